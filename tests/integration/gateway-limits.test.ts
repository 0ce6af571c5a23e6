/**
 * Resource limits of local kernels (issue 3): the gateway says which mechanism is in force;
 * a kernel that allocates past its environment's memory limit is killed alone and reported
 * `dead: oom-killed` while another kernel and the gateway keep working; its cgroup goes away.
 * A second gateway forced to rlimits shows the fallback: the allocation fails, the kernel lives.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { createTestDatabase, type TTestDatabase } from '../helpers/postgres';
import { createUserWithToken, gatewayFetch, openChannels, startTestGateway, type TTestGateway } from '../helpers/gateway';
import { createEnvironment, kernelRow, killGroup, localState, until } from '../helpers/kernels';
import { captureLog, type TCapturedLog } from '../helpers/log-capture';

let t: TTestDatabase;
let gw: TTestGateway;
let log: TCapturedLog;
let token: string;
const pids: number[] = [];

before(async () => {
  t = await createTestDatabase();
  log = captureLog();
  gw = await startTestGateway({ db: t.db, logger: log.logger });
  ({ token } = await createUserWithToken(t.db));
  await createEnvironment(t.db, { slug: 'small', name: 'Small', cpuRequestM: 250, cpuLimitM: 500, memoryRequestMib: 256, memoryLimitMib: 256 });
});

after(async () => {
  await gw?.close();
  for (const pid of pids) killGroup(pid);
  await t?.drop();
});

async function launch(gateway: TTestGateway, name: string): Promise<string> {
  const res = await gatewayFetch(gateway, '/api/kernels', { token, method: 'POST', body: { name } });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  pids.push((await localState(t.db, res.body.id)).pid);
  return res.body.id;
}

function mechanism(captured: TCapturedLog): string {
  const [line] = captured.find('kernel resource limits');
  assert.ok(line, 'the gateway logs which limit mechanism is in force');
  return String(line.mechanism);
}

describe('memory and CPU limits', () => {
  test('the start-up log names the mechanism in force (cgroups where writable)', () => {
    const used = mechanism(log);
    assert.ok(['cgroup-v2', 'cgroup-v1', 'rlimit'].includes(used), used);
    const cgroupsWritable = existsSync('/sys/fs/cgroup/cgroup.controllers') || existsSync('/sys/fs/cgroup/memory/memory.limit_in_bytes');
    if (process.getuid?.() === 0 && cgroupsWritable) assert.match(used, /^cgroup-v[12]$/, 'root on a cgroup machine uses cgroups');
    console.log(`# kernel limits in force here: ${used}`);
  });

  test('a kernel allocating past 256 MiB is oom-killed alone; the other kernel and the gateway carry on', async (ctx) => {
    if (!mechanism(log).startsWith('cgroup')) return ctx.skip('no writable cgroup here: rlimits cannot kill on OOM');
    const small = await launch(gw, 'small');
    const other = await launch(gw, 'default');

    const { limits } = await localState(t.db, small);
    assert.ok(limits, 'the kernel has a cgroup');
    const cgroupDir = String(limits.memory ?? limits.dir);
    const limitFile = limits.mechanism === 'cgroup-v1' ? 'memory.limit_in_bytes' : 'memory.max';
    assert.equal(Number(readFileSync(path.join(cgroupDir, limitFile), 'utf8')), 256 * 1024 * 1024);
    if (limits.mechanism === 'cgroup-v1' && limits.cpu) {
      assert.equal(Number(readFileSync(path.join(String(limits.cpu), 'cpu.cfs_quota_us'), 'utf8')), 50_000, '0.5 vCPU = 50 ms per 100 ms');
    }

    const ch = await openChannels(gw, small, { token });
    const closed = new Promise<{ code: number; reason: string }>((resolve) => ch.ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() })));
    ch.send('shell', 'execute_request', { code: "x = b'\\x01' * (1024 ** 3)", silent: false, store_history: true, user_expressions: {}, allow_stdin: false });
    const told = await closed;
    assert.deepEqual(told, { code: 1000, reason: 'kernel dead: oom-killed' }, 'the client is told why');

    await until('dead in Postgres', async () => (await kernelRow(t.db, small)).state === 'dead');
    const row = await kernelRow(t.db, small);
    assert.deepEqual([row.state, row.reason], ['dead', 'oom-killed']);
    const model = await gatewayFetch(gw, `/api/lattice/kernels/${small}`, { token });
    assert.deepEqual([model.body.execution_state, model.body.reason], ['dead', 'oom-killed']);
    assert.equal((await gatewayFetch(gw, `/api/kernels/${small}`, { token })).status, 404, 'gone for Jupyter clients');
    await until('the cgroup is removed', () => !existsSync(cgroupDir));

    assert.equal((await gatewayFetch(gw, '/api')).status, 200, 'the gateway still serves');
    const survivor = await openChannels(gw, other, { token });
    try {
      const { iopub } = await survivor.execute('6 * 7');
      assert.equal((iopub.find((m) => m.header.msg_type === 'execute_result')?.content.data as Record<string, string>)['text/plain'], '42');
    } finally {
      await survivor.close();
    }
    assert.equal((await gatewayFetch(gw, `/api/kernels/${other}`, { token, method: 'DELETE' })).status, 204);
  });

  test('forced to rlimits: the allocation fails inside the kernel, which stays alive', async () => {
    const rlog = captureLog();
    const limited = await startTestGateway({ db: t.db, logger: rlog.logger, config: { kernelLimits: 'rlimit' } });
    try {
      assert.equal(mechanism(rlog), 'rlimit');
      const id = await launch(limited, 'small');
      const ch = await openChannels(limited, id, { token });
      try {
        const { reply } = await ch.execute("x = b'\\x01' * (1024 ** 3)");
        assert.equal(reply.content.status, 'error');
        assert.equal(reply.content.ename, 'MemoryError');
        assert.equal((await ch.execute('1 + 1')).reply.content.status, 'ok');
      } finally {
        await ch.close();
      }
      assert.equal((await gatewayFetch(limited, `/api/kernels/${id}`, { token })).body.lattice.state, 'idle');
    } finally {
      await limited.close();
    }
  });
});
