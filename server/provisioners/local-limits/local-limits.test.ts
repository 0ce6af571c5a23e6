import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TEnvironmentSpec } from '../../../common/environment';
import { CgroupV1Limits } from './cgroup-v1';
import { CgroupV2Limits } from './cgroup-v2';
import { cfsQuotaUs, joinCgroupsArgv } from './limits';
import { RlimitLimits } from './rlimit';

// cgroupfs stand-ins: plain directories. Real cgroup files exist as soon as the directory
// does; here the optional knobs (swap, oom.group) are absent, which the code must tolerate.
const environment = { memoryLimitMib: 256, cpuLimitM: 500 } as TEnvironmentSpec;

function scratch(): string {
  return mkdtempSync(path.join(tmpdir(), 'lattice-limits-'));
}

/** Empties a fake cgroup so rmdir works as it would on cgroupfs. */
async function emptyDir(dir: string): Promise<void> {
  for (const f of await readdir(dir)) unlinkSync(path.join(dir, f));
}

test('CPU limits become CFS quotas per 100 ms period, never below the 1 ms minimum', () => {
  assert.equal(cfsQuotaUs(500), 50_000);
  assert.equal(cfsQuotaUs(2000), 200_000);
  assert.equal(cfsQuotaUs(1), 1000);
});

test('the join wrapper puts the shell in every cgroup, then execs the kernel with its argv intact', () => {
  const dir = scratch();
  try {
    const procs = [path.join(dir, 'a.procs'), path.join(dir, 'b.procs')];
    for (const p of procs) writeFileSync(p, '');
    const argv = joinCgroupsArgv(procs, ['/bin/sh', '-c', 'echo "$$ $0 $1"', 'name with space', '--']);
    const out = execFileSync(argv[0], argv.slice(1), { encoding: 'utf8' }).trim();
    const [pid, ...rest] = out.split(' ');
    assert.equal(rest.join(' '), 'name with space --', 'arguments after the separator pass through, even `--`');
    for (const p of procs) assert.equal(readFileSync(p, 'utf8').trim(), pid, 'the same process (exec, not fork) joined');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the join wrapper refuses to start the kernel outside its cgroup (exit 121)', () => {
  const argv = joinCgroupsArgv(['/nonexistent/cgroup.procs'], ['/bin/echo', 'ran']);
  assert.throws(() => execFileSync(argv[0], argv.slice(1), { stdio: 'pipe' }), (err: { status: number }) => err.status === 121);
});

test('cgroup v2: memory.max, cpu.max, OOM from memory.events, usage from cpu.stat and memory.current, persisted and restored', async () => {
  const parent = scratch();
  try {
    const limits = new CgroupV2Limits(parent, true);
    const k = await limits.prepare('kid', 1, environment);
    const dir = path.join(parent, 'kid.1');
    assert.equal(readFileSync(path.join(dir, 'memory.max'), 'utf8'), String(256 * 1024 * 1024));
    assert.equal(readFileSync(path.join(dir, 'cpu.max'), 'utf8'), '50000 100000');
    assert.deepEqual(k.wrap(['python']).slice(-3), [path.join(dir, 'cgroup.procs'), '--', 'python']);

    writeFileSync(path.join(dir, 'memory.events'), 'low 0\nhigh 0\nmax 12\noom 1\noom_kill 0\n');
    assert.equal(await k.oomKilled(), false);
    writeFileSync(path.join(dir, 'memory.events'), 'low 0\nhigh 0\nmax 12\noom 1\noom_kill 1\n');
    assert.equal(await k.oomKilled(), true);

    writeFileSync(path.join(dir, 'cpu.stat'), 'usage_usec 1500\nuser_usec 1000\nsystem_usec 500\n');
    writeFileSync(path.join(dir, 'memory.current'), '1048576\n');
    assert.deepEqual(await k.usage(), { cpuNs: 1_500_000, memoryBytes: 1048576 });

    const restored = limits.restore(k.toInfo());
    assert.ok(restored);
    assert.equal(await restored.oomKilled(), true);
    assert.equal(limits.restore({ mechanism: 'cgroup-v1' }), null);

    await emptyDir(dir);
    await k.release();
    assert.deepEqual(await readdir(parent), []);
  } finally {
    rmSync(parent, { recursive: true, force: true });
  }
});

test('cgroup v1: limit_in_bytes (+memsw when present), CFS quota, OOM from memory.oom_control', async () => {
  const memory = scratch();
  const cpu = scratch();
  try {
    const limits = new CgroupV1Limits({ memory, cpu });
    const k = await limits.prepare('kid', 2, environment);
    const memDir = path.join(memory, 'kid.2');
    const cpuDir = path.join(cpu, 'kid.2');
    assert.equal(readFileSync(path.join(memDir, 'memory.limit_in_bytes'), 'utf8'), String(256 * 1024 * 1024));
    assert.equal(readFileSync(path.join(cpuDir, 'cpu.cfs_period_us'), 'utf8'), '100000');
    assert.equal(readFileSync(path.join(cpuDir, 'cpu.cfs_quota_us'), 'utf8'), '50000');
    assert.deepEqual(k.wrap(['python']).slice(-4), [path.join(memDir, 'cgroup.procs'), path.join(cpuDir, 'cgroup.procs'), '--', 'python']);

    writeFileSync(path.join(memDir, 'memory.oom_control'), 'oom_kill_disable 0\nunder_oom 0\noom_kill 0\n');
    assert.equal(await k.oomKilled(), false);
    writeFileSync(path.join(memDir, 'memory.oom_control'), 'oom_kill_disable 0\nunder_oom 0\noom_kill 1\n');
    assert.equal(await k.oomKilled(), true);

    writeFileSync(path.join(memDir, 'memory.usage_in_bytes'), '2097152');
    assert.deepEqual(await k.usage(), { cpuNs: null, memoryBytes: 2097152 }, 'no cpuacct beside cpu: CPU comes from /proc');

    await emptyDir(memDir);
    await emptyDir(cpuDir);
    await k.release();
    assert.deepEqual([await readdir(memory), await readdir(cpu)], [[], []]);
  } finally {
    rmSync(memory, { recursive: true, force: true });
    rmSync(cpu, { recursive: true, force: true });
  }
});

test('rlimits: the kernel runs under RLIMIT_DATA of the memory limit, and is never reported oom-killed', async () => {
  const k = await new RlimitLimits().prepare('kid', 1, environment);
  const argv = k.wrap(['/bin/sh', '-c', 'ulimit -d']);
  assert.equal(execFileSync(argv[0], argv.slice(1), { encoding: 'utf8' }).trim(), String(256 * 1024));
  assert.equal(await k.oomKilled(), false);
});
