/**
 * Issue 10 §5, the hostile tenant: user C, a new account in no shared project, runs ordinary
 * Python in its own kernel and tries every attack that took the platform over before the
 * sandbox (issue 10's list). A's kernel is live meanwhile and holds `secret`. Each attack is
 * one test whose name says attack → expected result; its diagnostic is what C's cell printed,
 * so the TAP output reads as the table. Afterwards C's kernel still computes, its home
 * persists across a restart, its memory limit holds, and A's kernel is untouched.
 *
 * The outside world for the egress tests is made here: a network namespace with a veth pair,
 * 198.51.100.2 (TEST-NET-2, "outside") serving HTTP, 198.51.100.1 on the host side (a host
 * address, with a listener). Needs root, as the sandbox itself does.
 *
 * Covered elsewhere, not repeated here: the old fixed Postgres password is refused and the
 * application role is not a superuser (tests/integration/database-secrets.test.ts); a project
 * owner cannot set a kernel command or a warm pool (tests/integration/web-environment-rights.test.ts).
 */
import { after, before, describe, test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import path from 'node:path';
import pg from 'pg';
import { superuserPasswordFile } from '../../db/embedded-postgres';
import { writeSecret } from '../../db/secret-file';
import { appPasswordFile } from '../../scripts/platform';
import { loadConfig } from '../../server/config';
import { KERNEL_MAX_PIDS } from '../../server/provisioners/local-limits/limits';
import { createProject, createUserWithToken, gatewayFetch, openChannels, startTestGateway, type TChannelsClient, type TTestGateway } from '../helpers/gateway';
import { createEnvironment, kernelRow, killGroup, localState, until } from '../helpers/kernels';
import { captureLog, type TCapturedLog } from '../helpers/log-capture';
import { createTestDatabase, type TTestDatabase } from '../helpers/postgres';
import { testPython } from '../helpers/python';

/** Defines `attempt(f)` (its result, or the exception it raised, as one line) and `connect(host, port)` in C's kernel. */
const PY_HELPERS = String.raw`
import ctypes, json, os, signal, socket, subprocess
def attempt(f):
    try:
        return 'SUCCEEDED: ' + repr(f())[:160]
    except BaseException as e:
        return (type(e).__name__ + ': ' + str(e))[:160]
def connect(host, port, timeout=3):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.settimeout(timeout)
    try:
        s.connect((host, port))
        return 'connected'
    finally:
        s.close()
def connect_unix(p):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        s.connect(p)
        return 'connected'
    finally:
        s.close()
def report(results):
    print(json.dumps(results))
`;

/** Defines `listeners()`: the TCP ports this kernel's network namespace listens on (/proc/net/tcp, state 0A). */
const PY_LISTENERS = String.raw`
def listeners():
    rows = [l.split() for l in open('/proc/net/tcp').read().splitlines()[1:]]
    return sorted({int(r[1].split(':')[1], 16) for r in rows if r[3] == '0A'})
`;

/** What an attack prints when it worked: any result that is not an exception. */
const SUCCEEDED = /^SUCCEEDED/;

let t: TTestDatabase;
let gw: TTestGateway;
let log: TCapturedLog;
const tokens = { a: '', c: '' };
const users = { a: '', c: '' };
const projects = { a: '', c: '' };
const kernels = { a: '', c: '', cOffline: '' };
const secret = `A-${randomBytes(12).toString('hex')}`;
const pids: number[] = [];
let c: TChannelsClient;
/** TCP ports A's kernel listens on in its own network namespace (what C would aim at). */
let aListeners: number[] = [];

/** Runs `code` in a kernel; returns its stdout (an error reply fails the test with the traceback's name). */
async function run(ch: TChannelsClient, code: string, timeoutMs = 60_000): Promise<string> {
  const { reply, iopub } = await ch.execute(code, timeoutMs);
  assert.equal(reply.content.status, 'ok', `${reply.content.ename}: ${reply.content.evalue}`);
  return iopub
    .filter((m) => m.header.msg_type === 'stream' && m.content.name === 'stdout')
    .map((m) => String(m.content.text))
    .join('');
}

/** Runs a cell ending in `report({...})`; returns the dict, every value reported as the test's diagnostic. */
async function attack(ctx: TestContext, ch: TChannelsClient, code: string): Promise<Record<string, string>> {
  const out = await run(ch, code);
  const results = JSON.parse(out.trim().split('\n').at(-1) ?? '{}') as Record<string, string>;
  for (const [what, result] of Object.entries(results)) ctx.diagnostic(`${what} → ${result}`);
  return results;
}

function assertAllFailed(results: Record<string, string>): void {
  assert.ok(Object.keys(results).length > 0, 'the cell reported its attempts');
  for (const [what, result] of Object.entries(results)) {
    assert.doesNotMatch(result, SUCCEEDED, `${what} must fail`);
    assert.ok(!result.includes(secret), `${what} must not reveal A's secret`);
  }
}

const py = (value: unknown) => JSON.stringify(value);

async function launch(token: string, projectId: string, environment = 'default'): Promise<string> {
  const res = await gatewayFetch(gw, '/api/kernels', { token, method: 'POST', body: { name: environment, env: { KERNEL_PROJECT: projectId } } });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  pids.push((await localState(t.db, res.body.id)).pid);
  return res.body.id;
}

/** The host's own IPv4 addresses, loopback included (`ip -4 -o addr`). */
function hostAddresses(): string[] {
  const out = execFileSync('ip', ['-4', '-o', 'addr'], { encoding: 'utf8' });
  return [...out.matchAll(/\binet (\d+\.\d+\.\d+\.\d+)\//g)].map((m) => m[1]);
}

before(async () => {
  t = await createTestDatabase();
  log = captureLog();
  const defaults = loadConfig({ ...process.env, DATABASE_URL: 'postgres://unused', LATTICE_LOCAL_SANDBOX: 'on' });
  gw = await startTestGateway({ db: t.db, logger: log.logger, config: { localSandbox: defaults.localSandbox } });
  // The secrets `npm start` keeps in its data directory (here, the gateway's), 0600 as there.
  writeSecret(path.join(gw.dataDir, 'nextauth-secret'), `nextauth-${secret}`);
  writeSecret(appPasswordFile(gw.dataDir), `app-password-${secret}`);

  const a = await createUserWithToken(t.db, { name: 'Alice' });
  const cUser = await createUserWithToken(t.db, { name: 'Carol (hostile)' });
  Object.assign(tokens, { a: a.token, c: cUser.token });
  Object.assign(users, { a: a.user.id, c: cUser.user.id });
  projects.a = (await createProject(t.db, { ownerId: users.a })).id;
  projects.c = (await createProject(t.db, { ownerId: users.c })).id;
  await createEnvironment(t.db, { slug: 'small', name: 'Small', cpuRequestM: 250, cpuLimitM: 500, memoryRequestMib: 256, memoryLimitMib: 256 });
  await createEnvironment(t.db, { slug: 'offline', name: 'Offline', network: 'none' });

  kernels.a = await launch(tokens.a, projects.a);
  const chA = await openChannels(gw, kernels.a, { token: tokens.a });
  try {
    await run(chA, `secret = ${py(secret)}\nopen('a-notes.txt', 'w').write(secret)`);
    aListeners = JSON.parse(await run(chA, `import json${PY_LISTENERS}print(json.dumps(listeners()))`)) as number[];
  } finally {
    await chA.close();
  }
  kernels.c = await launch(tokens.c, projects.c);
  c = await openChannels(gw, kernels.c, { token: tokens.c });
  await run(c, PY_HELPERS);
});

after(async () => {
  await c?.close().catch(() => undefined);
  await gw?.close();
  for (const pid of pids) killGroup(pid);
  await t?.drop();
});

describe("C's kernel against A's kernel and the platform's files", () => {
  test("read A's connection file, kernel log and home (under the gateway's data dir) → not found", async (ctx) => {
    const files = {
      connection: path.join(gw.dataDir, 'sandbox', kernels.a, 'connection.json'),
      kernelLog: path.join(gw.dataDir, 'kernels', kernels.a, 'kernel.log'),
      home: path.join(gw.dataDir, 'homes', users.a, projects.a, 'a-notes.txt'),
    };
    const results = await attack(ctx, c, `report({k: attempt(lambda p=p: open(p).read()) for k, p in ${py(files)}.items()})`);
    assertAllFailed(results);
  });

  test("list the data dir, its sandbox/, kernels/ and homes/ → not found", async (ctx) => {
    const dirs = ['', 'sandbox', 'kernels', 'homes', path.join('homes', users.a)].map((d) => path.join(gw.dataDir, d));
    assertAllFailed(await attack(ctx, c, `report({p: attempt(lambda p=p: os.listdir(p)) for p in ${py(dirs)}})`));
  });

  test("reach A's project files (by host path, by listing project-files/, by /project) → not found", async (ctx) => {
    writeFileSync(path.join(gw.dataDir, 'project-files', projects.a, 'a-data.csv'), 'secret,1\n');
    const targets = {
      list: path.join(gw.dataDir, 'project-files'),
      listA: path.join(gw.dataDir, 'project-files', projects.a),
      readA: path.join(gw.dataDir, 'project-files', projects.a, 'a-data.csv'),
      viaProject: '/project/a-data.csv',
    };
    assertAllFailed(await attack(ctx, c, `report({k: attempt(lambda p=p, k=k: os.listdir(p) if k.startswith('list') else open(p).read()) for k, p in ${py(targets)}.items()})`));
  });

  test('read the secrets (nextauth-secret, Postgres app password, seccomp.bpf) → not found', async (ctx) => {
    const files = [path.join(gw.dataDir, 'nextauth-secret'), appPasswordFile(gw.dataDir), path.join(gw.dataDir, 'sandbox', 'seccomp.bpf')];
    assertAllFailed(await attack(ctx, c, `report({p: attempt(lambda p=p: open(p, 'rb').read()) for p in ${py(files)}})`));
  });

  test("read Postgres' data dir and its superuser password file → not found", async (ctx) => {
    const owner = new pg.Client({ connectionString: t.ownerUrl });
    await owner.connect();
    const { rows } = await owner.query<{ data_directory: string }>('show data_directory');
    await owner.end();
    const dataDir = rows[0].data_directory;
    const files = { list: dataDir, version: path.join(dataDir, 'PG_VERSION'), hba: path.join(dataDir, 'pg_hba.conf'), superuserPassword: superuserPasswordFile(dataDir) };
    assertAllFailed(
      await attack(ctx, c, `report({k: attempt(lambda p=p: os.listdir(p) if k == 'list' else open(p).read()) for k, p in ${py(files)}.items()})`),
    );
  });

  test("list the directory holding the kernel's venv (.data/venv in a real install) → the venv alone", async (ctx) => {
    const python = testPython();
    if (!path.isAbsolute(python)) return ctx.skip('the kernel Python is the system one');
    const venv = path.dirname(path.dirname(python));
    const results = await attack(ctx, c, `report({${py(path.dirname(venv))}: attempt(lambda: sorted(os.listdir(${py(path.dirname(venv))})))})`);
    const [listing] = Object.values(results);
    assert.ok(!SUCCEEDED.test(listing) || listing === `SUCCEEDED: ['${path.basename(venv)}']`, listing);
  });

  test("/proc/self/mountinfo names no other kernel's or user's directory → none", async (ctx) => {
    const out = await run(c, `print(open('/proc/self/mountinfo').read())`);
    for (const other of [kernels.a, users.a, projects.a]) assert.ok(!out.includes(other), `mountinfo mentions ${other}`);
    ctx.diagnostic(`${out.trim().split('\n').length} mounts, none of A's`);
  });
  test("read its own environment for the platform's secrets (DATABASE_URL, NEXTAUTH_SECRET, tokens, keys) → none there", async (ctx) => {
    const env = JSON.parse(await run(c, 'print(json.dumps(dict(os.environ)))')) as Record<string, string>;
    ctx.diagnostic(`variables: ${Object.keys(env).sort().join(' ')}`);
    for (const [name, value] of Object.entries(env)) {
      assert.doesNotMatch(name, /DATABASE|SECRET|PASSWORD|TOKEN|_KEY|^PG|NEXTAUTH|LATTICE_(?!.*KERNEL)/i, name);
      assert.doesNotMatch(value, /postgres(ql)?:\/\//, `${name} holds a database URL`);
    }
  });
});

describe("C's kernel against other processes", () => {
  test("read the gateway's /proc/<pid>/environ and cmdline, and Postgres' → no such process", async (ctx) => {
    const client = new pg.Client({ connectionString: t.url });
    await client.connect();
    const { rows } = await client.query<{ pid: number }>('select pg_backend_pid() as pid');
    await client.end();
    const procs = { gateway: process.pid, postgres: rows[0].pid };
    const code = `report({f'{k} {f}': attempt(lambda p=p, f=f: open(f'/proc/{p}/{f}', 'rb').read()) for k, p in ${py(procs)}.items() for f in ('environ', 'cmdline')})`;
    assertAllFailed(await attack(ctx, c, code));
  });

  test('signal the gateway (os.kill 0 and SIGCONT) → ProcessLookupError', async (ctx) => {
    const results = await attack(ctx, c, `report({f'kill({${process.pid}}, {s})': attempt(lambda s=s: os.kill(${process.pid}, s)) for s in (0, signal.SIGCONT)})`);
    assertAllFailed(results);
    for (const result of Object.values(results)) assert.match(result, /^ProcessLookupError/);
  });

  test("list every process → only C's own few; A's kernel absent", async (ctx) => {
    const aPid = (await localState(t.db, kernels.a)).pid;
    const out = await run(c, `
procs = {p: open(f'/proc/{p}/cmdline', 'rb').read().replace(b'\\0', b' ').decode()[:80] for p in os.listdir('/proc') if p.isdigit()}
uids = {open(f'/proc/{p}/status').read().split('Uid:')[1].split()[0] for p in procs}
print(json.dumps({'procs': procs, 'uids': sorted(uids), 'me': os.getuid()}))`);
    const seen = JSON.parse(out) as { procs: Record<string, string>; uids: string[]; me: number };
    ctx.diagnostic(`pids: ${Object.entries(seen.procs).map(([p, cmd]) => `${p}=${cmd.split(' ')[0]}`).join(', ')}`);
    assert.ok(Object.keys(seen.procs).length <= 4, 'a handful of pids: bwrap and the kernel');
    assert.ok(aPid > 4 && !(String(aPid) in seen.procs), "A's kernel's pid is not there");
    assert.deepEqual(seen.uids, [String(seen.me)], 'every visible process is C’s own');
  });
});

describe("C's kernel against the network", () => {
  test("connect to Postgres and the gateway on 127.0.0.1, slirp's host alias 10.0.2.2 and every host address → refused or unreachable", async (ctx) => {
    const ports = { postgres: Number(new URL(t.url).port), gateway: Number(new URL(gw.url).port) };
    const hosts = [...new Set(['127.0.0.1', '10.0.2.2', ...hostAddresses()])];
    const code = `report({f'{k} {h}:{p}': attempt(lambda h=h, p=p: connect(h, p)) for k, p in ${py(ports)}.items() for h in ${py(hosts)}})`;
    assertAllFailed(await attack(ctx, c, code));
  });

  test("connect to A's ZeroMQ ipc sockets (its private dir) → not found", async (ctx) => {
    const sockets = [1, 2, 3, 4, 5].map((n) => path.join(gw.dataDir, 'sandbox', kernels.a, `kernel-${n}`));
    assertAllFailed(await attack(ctx, c, `report({p: attempt(lambda p=p: connect_unix(p)) for p in ${py(sockets)}})`));
  });

  test("connect to the TCP ports A's kernel listens on (in its own namespace) → refused", async (ctx) => {
    const targets = aListeners.flatMap((port) => ['127.0.0.1', ...hostAddresses()].map((host) => ({ host, port })));
    ctx.diagnostic(`A's kernel listens on TCP ${aListeners.join(', ') || '(none)'} in its own network namespace`);
    if (!targets.length) return;
    assertAllFailed(await attack(ctx, c, `report({f'{h}:{p}': attempt(lambda h=h, p=p: connect(h, p, 1)) for h, p in ${py(targets.map((x) => [x.host, x.port]))}})`));
  });

  test("scan 127.0.0.1:1–65535 from C → only C's own kernel listens", async (ctx) => {
    const out = await run(c, `${PY_LISTENERS}
found = []
for port in range(1, 65536):
    s = socket.socket(); s.settimeout(0.05)
    # A connect to a port that is also the chosen source port connects to itself (TCP simultaneous open).
    if s.connect_ex(('127.0.0.1', port)) == 0 and s.getsockname()[1] != port: found.append(port)
    s.close()
print(json.dumps({'found': found, 'own': listeners()}))`, 120_000);
    const { found, own } = JSON.parse(out) as { found: number[]; own: number[] };
    ctx.diagnostic(`open on 127.0.0.1 in C's namespace: ${found.join(', ') || '(none)'}; C's own kernel's listeners: ${own.join(', ') || '(none)'}`);
    assert.deepEqual(found, own, "everything that answers is C's own kernel");
  });
});

describe("C's kernel against its own limits and privileges", () => {
  test("write its cgroup limits (memory.limit_in_bytes, memory.max, its host cgroup dir) → not found / read-only", async (ctx) => {
    const { limits } = await localState(t.db, kernels.c);
    const files = ['/sys/fs/cgroup/memory/memory.limit_in_bytes', '/sys/fs/cgroup/memory.max', '/sys/fs/cgroup/cpu/cpu.cfs_quota_us'];
    for (const dir of Object.values(limits ?? {})) if (typeof dir === 'string' && dir.startsWith('/sys/')) files.push(path.join(dir, 'memory.limit_in_bytes'), path.join(dir, 'memory.max'));
    assertAllFailed(await attack(ctx, c, `report({p: attempt(lambda p=p: open(p, 'w').write('1073741824')) for p in ${py(files)}})`));
    const cgroups = await run(c, `print(open('/proc/self/cgroup').read())`);
    ctx.diagnostic(`/proc/self/cgroup: ${cgroups.trim().split('\n').slice(0, 2).join(' | ')}`);
  });

  test('run as uid 0, with capabilities or without no_new_privs → no: unprivileged uid, CapEff 0, NoNewPrivs 1, seccomp on', async (ctx) => {
    const out = await run(c, `
st = dict(l.split(':', 1) for l in open('/proc/self/status').read().splitlines())
print(json.dumps({'uid': os.getuid(), 'euid': os.geteuid(), 'CapEff': st['CapEff'].strip(), 'CapPrm': st['CapPrm'].strip(), 'NoNewPrivs': st['NoNewPrivs'].strip(), 'Seccomp': st['Seccomp'].strip()}))`);
    const s = JSON.parse(out) as Record<string, string | number>;
    ctx.diagnostic(JSON.stringify(s));
    assert.notEqual(s.uid, 0);
    assert.notEqual(s.euid, 0);
    assert.ok(Number(s.uid) >= 200_000, 'a sandbox uid');
    assert.equal(s.CapEff, '0000000000000000');
    assert.equal(s.CapPrm, '0000000000000000');
    assert.equal(s.NoNewPrivs, '1');
    assert.equal(s.Seccomp, '2', 'a seccomp filter is installed');
  });

  test('escalate with setuid binaries (su, sudo, passwd, mount, newgrp) → fail, never uid 0', async (ctx) => {
    const commands = {
      su: ['su', '-c', 'id -u', 'root'],
      sudo: ['sudo', '-n', 'id', '-u'],
      passwd: ['passwd', '-S', 'root'],
      mount: ['mount', '-t', 'tmpfs', 'none', '/tmp'],
      newgrp: ['newgrp', 'root'],
    };
    const code = `
def escalate(argv):
    r = subprocess.run(argv, capture_output=True, text=True, timeout=10, stdin=subprocess.DEVNULL)
    if r.returncode == 0: return r.stdout.strip()
    said = (r.stderr or r.stdout).strip().splitlines()
    raise RuntimeError(f'exit {r.returncode}' + (': ' + said[0] if said else ''))
report({k: attempt(lambda a=a: escalate(a)) for k, a in ${py(commands)}.items()})`;
    const results = await attack(ctx, c, code);
    assertAllFailed(results);
    const setuid = ['/usr/bin/su', '/usr/bin/passwd', '/usr/bin/mount'].filter((f) => (statSync(f, { throwIfNoEntry: false })?.mode ?? 0) & 0o4000);
    ctx.diagnostic(`setuid on this host: ${setuid.join(', ') || 'none'}`);
  });

  // A bounded bomb: 2,000 threads would not hurt this machine, but the kernel's pids.max stops it near 1,024.
  test('thread bomb (exhaust the host\'s PIDs) → stopped at the kernel\'s pids.max, the kernel survives', async (ctx) => {
    const pid = (await localState(t.db, kernels.c)).pid;
    const pidsLine = readFileSync(`/proc/${pid}/cgroup`, 'utf8').split('\n').find((l) => /:pids:/.test(l)) ?? '';
    const pidsMaxFile = path.join('/sys/fs/cgroup/pids', pidsLine.split(':')[2] ?? '/', 'pids.max');
    assert.ok(existsSync(pidsMaxFile), `the kernel is in a pids cgroup of its own (${pidsLine})`);
    assert.equal(readFileSync(pidsMaxFile, 'utf8').trim(), String(KERNEL_MAX_PIDS));
    const out = await run(c, `
import threading
stop = threading.Event()
started, error = 0, None
for _ in range(2000):
    try:
        threading.Thread(target=stop.wait, daemon=True).start()
        started += 1
    except RuntimeError as e:
        error = str(e)
        break
stop.set()
print(started, error)`);
    ctx.diagnostic(`threads started before the limit: ${out.trim()}`);
    const started = Number(out.trim().split(' ')[0]);
    assert.ok(started < KERNEL_MAX_PIDS, `stopped below pids.max (${started})`);
    assert.match(out, /can't start new thread/);
    assert.equal((await run(c, 'print(6 * 7)')).trim(), '42', 'the kernel still computes');
  });

  test('unshare, mount, ptrace, keyctl, setns and bpf through ctypes syscall() → EPERM (seccomp)', async (ctx) => {
    // x86_64 numbers; arguments that would succeed for root outside the filter.
    const calls = { unshare: [272, 0x10000000], mount: [165, 0, 0, 0, 0, 0], ptrace: [101, 0, 1, 0, 0], keyctl: [250, 0, -3, 1, 0], setns: [308, 0, 0], bpf: [321, 0, 0, 0] };
    const code = `
libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long
def call(args):
    r = libc.syscall(*[ctypes.c_long(a) for a in args])
    if r == -1: raise OSError(ctypes.get_errno(), os.strerror(ctypes.get_errno()))
    return r
report({k: attempt(lambda a=a: call(a)) for k, a in ${py(calls)}.items()})`;
    const results = await attack(ctx, c, code);
    assertAllFailed(results);
    for (const [name, result] of Object.entries(results)) assert.match(result, /^PermissionError: \[Errno 1\]/, name);
  });

  test('unshare -U / a user namespace via the unshare binary → fails (clone flags denied)', async (ctx) => {
    const results = await attack(ctx, c, `
r = subprocess.run(['unshare', '-U', '-r', 'id', '-u'], capture_output=True, text=True)
report({'unshare -U -r id -u': f'SUCCEEDED: {r.stdout.strip()}' if r.returncode == 0 else f'exit {r.returncode}: {r.stderr.strip()}'})`);
    assertAllFailed(results);
  });
});

describe("C's kernel still works, within its limits", () => {
  test('C computes sum(range(10**6)) → 499999500000', async () => {
    assert.equal((await run(c, 'print(sum(range(10**6)))')).trim(), '499999500000');
  });

  test('C writes to its home and the file persists across a restart of its kernel', async (ctx) => {
    const note = `C-${randomBytes(6).toString('hex')}`;
    await run(c, `open(os.path.expanduser('~/c-notes.txt'), 'w').write(${py(note)}); print(os.getcwd())`);
    await c.close();
    const res = await gatewayFetch(gw, `/api/kernels/${kernels.c}/restart`, { token: tokens.c, method: 'POST' });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    c = await openChannels(gw, kernels.c, { token: tokens.c });
    await run(c, PY_HELPERS);
    const out = await run(c, `print(os.getcwd(), open(os.path.expanduser('~/c-notes.txt')).read())`);
    ctx.diagnostic(out.trim());
    // The working directory is the project's files (issue 15 §5); the home is ~.
    assert.equal(out.trim(), `/project ${note}`);
  });

  test('C allocates 600 MiB in a 256 MiB environment → oom-killed (dead)', async (ctx) => {
    const [line] = log.find('kernel resource limits');
    const mechanism = String(line?.mechanism);
    if (!mechanism.startsWith('cgroup')) return ctx.skip(`limits here are ${mechanism}: only cgroups kill on OOM`);
    const small = await launch(tokens.c, projects.c, 'small');
    const ch = await openChannels(gw, small, { token: tokens.c });
    const closed = new Promise<string>((resolve) => ch.ws.once('close', (_code, reason) => resolve(reason.toString())));
    ch.send('shell', 'execute_request', { code: "x = b'\\x01' * (600 * 1024 ** 2)", silent: false, store_history: true, user_expressions: {}, allow_stdin: false });
    assert.equal(await closed, 'kernel dead: oom-killed');
    await until('dead in Postgres', async () => (await kernelRow(t.db, small)).state === 'dead');
    const row = await kernelRow(t.db, small);
    ctx.diagnostic(`${row.state}: ${row.reason}`);
    assert.deepEqual([row.state, row.reason], ['dead', 'oom-killed']);
  });

  test("A's kernel is untouched: still idle, secret intact", async () => {
    const chA = await openChannels(gw, kernels.a, { token: tokens.a });
    try {
      assert.equal((await run(chA, 'print(secret)')).trim(), secret);
    } finally {
      await chA.close();
    }
  });
});

describe('egress: an outside host (netns 198.51.100.2) and a host address (198.51.100.1)', () => {
  const ns = `lattice-ht-${process.pid}`;
  const hostVeth = `lht${process.pid % 100000}h`;
  const outside = { host: '198.51.100.2', port: 18080 };
  const hostSide = { host: '198.51.100.1', port: 0 };
  const loopback = { host: '127.0.0.1', port: 0 };
  let httpServer: ChildProcess | null = null;
  const listeners: Server[] = [];
  let offline: TChannelsClient;

  const ip = (...args: string[]) => execFileSync('ip', args, { stdio: ['ignore', 'pipe', 'pipe'] });

  before(async () => {
    try {
      ip('netns', 'add', ns);
      ip('link', 'add', hostVeth, 'type', 'veth', 'peer', 'name', `${hostVeth}n`);
      ip('link', 'set', `${hostVeth}n`, 'netns', ns);
      ip('addr', 'add', `${hostSide.host}/24`, 'dev', hostVeth);
      ip('link', 'set', hostVeth, 'up');
      ip('-n', ns, 'addr', 'add', `${outside.host}/24`, 'dev', `${hostVeth}n`);
      ip('-n', ns, 'link', 'set', `${hostVeth}n`, 'up');
      ip('-n', ns, 'link', 'set', 'lo', 'up');
    } catch (err) {
      throw new Error(`could not make the test's outside host (ip netns/veth; needs root and iproute2): ${(err as { stderr?: Buffer }).stderr?.toString().trim() ?? err}`);
    }
    httpServer = spawn('ip', ['netns', 'exec', ns, testPython(), '-m', 'http.server', '--bind', outside.host, String(outside.port)], { stdio: 'ignore' });
    for (const target of [hostSide, loopback]) {
      const server = createServer((sock) => sock.end('host service\n'));
      await new Promise<void>((resolve, reject) => server.once('error', reject).listen(target.port, target.host, resolve));
      target.port = (server.address() as { port: number }).port;
      listeners.push(server);
    }
    await until('the outside HTTP server', async () => {
      const res = await fetch(`http://${outside.host}:${outside.port}/`).catch(() => null);
      return res?.status === 200;
    });
    kernels.cOffline = await launch(tokens.c, projects.c, 'offline');
    offline = await openChannels(gw, kernels.cOffline, { token: tokens.c });
    await run(offline, PY_HELPERS);
  });

  after(async () => {
    await offline?.close().catch(() => undefined);
    for (const server of listeners) server.close();
    if (httpServer?.pid) {
      try {
        process.kill(httpServer.pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
    let left: string[] = [];
    try {
      left = ip('netns', 'pids', ns).toString().split(/\s+/).filter(Boolean);
    } catch {
      // No namespace, no processes.
    }
    for (const pid of left) {
      try {
        process.kill(Number(pid), 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
    try {
      ip('netns', 'del', ns);
    } catch {
      // Never made.
    }
    try {
      ip('link', 'del', hostVeth);
    } catch {
      // Went with the namespace.
    }
  });

  const get = (target: { host: string; port: number }) => `attempt(lambda: connect(${py(target.host)}, ${target.port}))`;
  const httpGet = `attempt(lambda: __import__('urllib.request').request.urlopen('http://${outside.host}:${outside.port}/', timeout=5).status)`;

  test('network egress: GET http://198.51.100.2 (outside this host) → 200', async (ctx) => {
    const results = await attack(ctx, c, `report({'GET ${outside.host}': ${httpGet}})`);
    assert.equal(results[`GET ${outside.host}`], 'SUCCEEDED: 200');
  });

  test('network egress: connect to 198.51.100.1 (a host address with a listener) and to the host loopback listener → refused', async (ctx) => {
    assertAllFailed(await attack(ctx, c, `report({'${hostSide.host}:${hostSide.port}': ${get(hostSide)}, '127.0.0.1:${loopback.port}': ${get(loopback)}, '10.0.2.2:${loopback.port}': ${get({ host: '10.0.2.2', port: loopback.port })}})`));
  });

  test('network none: 198.51.100.2, 198.51.100.1 and the host loopback → unreachable', async (ctx) => {
    assertAllFailed(
      await attack(ctx, offline, `report({'GET ${outside.host}': ${httpGet}, '${hostSide.host}:${hostSide.port}': ${get(hostSide)}, '127.0.0.1:${loopback.port}': ${get(loopback)}})`),
    );
  });
});

