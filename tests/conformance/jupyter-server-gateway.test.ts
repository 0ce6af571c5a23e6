/**
 * Conformance: Python's `jupyter_server` uses Lattice as its kernel backend
 * (`jupyter server --gateway-url=<lattice> --GatewayClient.auth_token=<token>`), and nbclient
 * runs a notebook through that server; binary buffers are checked with jupyter_server's own
 * websocket serializers against both Lattice framings.
 *
 * The jupyter_server under test runs without its own token: the stock Python client that
 * nbclient drives it with (GatewayKernelClient) cannot put a token on its websocket. The
 * link under test, jupyter_server → Lattice, is authenticated as in production.
 *
 * Known upstream limit: jupyter_server's gateway websocket (GatewayWebSocketConnection)
 * decodes every frame from the gateway as UTF-8 text, so a message with binary buffers
 * cannot cross a jupyter_server in gateway mode whatever the gateway (Enterprise Gateway
 * included). That is why buffers are checked against Lattice's websocket directly.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { kernels, projects } from '../../db/schema';
import { createUserWithToken, gatewayFetch, startTestGateway, type TTestGateway } from '../helpers/gateway';
import { freePort } from '../helpers/free-port';
import { createTestDatabase, type TTestDatabase } from '../helpers/postgres';
import { testPython } from '../helpers/python';

const DRIVER = path.join(import.meta.dirname, 'jupyter_server_driver.py');
const venvBin = path.dirname(testPython());

let t: TTestDatabase;
let gw: TTestGateway;
let token: string;
let user: { id: string; email: string };
let dir: string;
let server: ChildProcess | null = null;
let serverUrl: string;
let serverLog = '';

async function until(what: string, f: () => Promise<boolean> | boolean, ms = 30_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await Promise.resolve().then(f).catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\n${serverLog.slice(-3000)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** `fetch` against the jupyter_server (no token: see the header comment). */
async function js(pathname: string, method = 'GET', body?: unknown): Promise<{ status: number; body: any }> {
  const res = await fetch(`${serverUrl}${pathname}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

function runDriver(args: string[], timeoutMs = 180_000): Promise<any> {
  return new Promise((resolve, reject) => {
    const child = spawn(testPython(), [DRIVER, ...args], { cwd: dir, env: { ...process.env, JUPYTER_CONFIG_DIR: path.join(dir, 'config') } });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      if (code !== 0) return reject(new Error(`driver exited ${code}:\n${err.slice(-4000)}\n--- jupyter server ---\n${serverLog.slice(-3000)}`));
      resolve(JSON.parse(out.trim().split('\n').at(-1) as string));
    });
  });
}

async function stateOf(kernelId: string): Promise<{ state: string; reason: string | null; userId: string } | undefined> {
  const [row] = await t.db.select({ state: kernels.state, reason: kernels.reason, userId: kernels.userId }).from(kernels).where(eq(kernels.id, kernelId));
  return row;
}

before(async () => {
  t = await createTestDatabase();
  gw = await startTestGateway({ db: t.db });
  const created = await createUserWithToken(t.db);
  token = created.token;
  user = created.user;
  dir = await mkdtemp(path.join(tmpdir(), 'lattice-js-'));
  const notebook = {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: { kernelspec: { name: 'python3', display_name: 'Python 3', language: 'python' } },
    cells: [
      'x = 6 * 7\nprint("hello from lattice")',
      'x',
      'from IPython.display import HTML, display\ndisplay(HTML("<b>bold</b>"))',
      'import os\nprint(os.environ.get("KERNEL_FOO"), os.environ["KERNEL_USERNAME"], os.environ["KERNEL_PROJECT"])',
      'import sys\nprint("to stderr", file=sys.stderr)',
    ].map((source, i) => ({ id: `cell-${i}`, cell_type: 'code', metadata: {}, execution_count: null, outputs: [], source })),
  };
  await writeFile(path.join(dir, 'notebook.ipynb'), JSON.stringify(notebook));
  const port = await freePort();
  serverUrl = `http://127.0.0.1:${port}`;
  server = spawn(
    path.join(venvBin, 'jupyter'),
    [
      'server',
      `--gateway-url=${gw.url}`,
      `--GatewayClient.auth_token=${token}`,
      '--IdentityProvider.token=',
      '--ServerApp.disable_check_xsrf=True',
      `--port=${port}`,
      '--ip=127.0.0.1',
      '--no-browser',
      '--allow-root',
      `--ServerApp.root_dir=${dir}`,
    ],
    {
      cwd: dir,
      env: {
        ...process.env,
        PATH: `${venvBin}:${process.env.PATH}`,
        JUPYTER_CONFIG_DIR: path.join(dir, 'config'),
        JUPYTER_DATA_DIR: path.join(dir, 'data'),
        JUPYTER_RUNTIME_DIR: path.join(dir, 'runtime'),
        // What an Enterprise Gateway user sets: passed on in the POST body's env.
        KERNEL_FOO: 'bar',
        KERNEL_USERNAME: 'mallory@example.test',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  server.stdout?.on('data', (d) => (serverLog += d));
  server.stderr?.on('data', (d) => (serverLog += d));
  await until('jupyter server to answer', async () => (await fetch(`${serverUrl}/api`)).ok, 60_000);
});

after(async () => {
  if (server && server.exitCode === null) {
    const exited = new Promise((r) => server!.once('exit', r));
    server.kill('SIGTERM');
    const timer = setTimeout(() => server?.kill('SIGKILL'), 8000);
    await exited;
    clearTimeout(timer);
  }
  await gw?.close();
  await t?.drop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

test('jupyter_server lists Lattice kernelspecs (default, python3 alias, resources in metadata.lattice)', async () => {
  const res = await js('/api/kernelspecs');
  assert.equal(res.status, 200, JSON.stringify(res.body));
  assert.equal(res.body.default, 'python3');
  assert.ok(res.body.kernelspecs.default);
  assert.equal(res.body.kernelspecs.python3.spec.language, 'python');
  assert.equal(res.body.kernelspecs.python3.spec.metadata.lattice.poolSize, 0);
  assert.match(res.body.kernelspecs.python3.spec.display_name, /vCPU/);
});

test('start, model, interrupt, restart and shutdown from jupyter_server reach Lattice', async () => {
  const started = await js('/api/kernels', 'POST', { name: 'python3' });
  assert.equal(started.status, 201, JSON.stringify(started.body));
  const id = started.body.id;
  assert.match(id, /^[0-9a-f-]{36}$/);
  // The identity is the token's, never KERNEL_USERNAME from the body.
  assert.equal((await stateOf(id))?.userId, user.id);
  const model = await js(`/api/kernels/${id}`);
  assert.equal(model.status, 200);
  assert.equal(model.body.execution_state, 'idle');
  assert.equal(typeof model.body.connections, 'number');
  assert.ok(!Number.isNaN(Date.parse(model.body.last_activity)));
  assert.deepEqual(
    (await js('/api/kernels')).body.map((k: { id: string }) => k.id),
    [id],
  );
  assert.equal((await js(`/api/kernels/${id}/interrupt`, 'POST')).status, 204);
  const restarted = await js(`/api/kernels/${id}/restart`, 'POST');
  assert.equal(restarted.status, 200, JSON.stringify(restarted.body));
  assert.equal(restarted.body.id, id);
  assert.equal((await js(`/api/kernels/${id}`, 'DELETE')).status, 204);
  await until('stopped in Lattice', async () => (await stateOf(id))?.state === 'stopped');
  assert.equal((await stateOf(id))?.reason, 'user-request');
});

test('nbclient runs a multi-cell notebook through jupyter_server; interrupt, restart and shutdown work', async () => {
  const report = await runDriver(['notebook', serverUrl, path.join(dir, 'notebook.ipynb')]);
  const outputs = report.cells.map((c: { outputs: any[] }) => c.outputs);
  assert.deepEqual(outputs[0], [{ output_type: 'stream', name: 'stdout', text: 'hello from lattice\n' }]);
  assert.equal(outputs[1][0].output_type, 'execute_result');
  assert.equal(outputs[1][0].data['text/plain'], '42');
  assert.equal(outputs[2][0].output_type, 'display_data');
  assert.equal(outputs[2][0].data['text/html'], '<b>bold</b>');
  const [personal] = await t.db.select({ id: projects.id }).from(projects).where(eq(projects.personalOwnerId, user.id));
  // KERNEL_* from the POST body reach the kernel; KERNEL_USERNAME is the authenticated user.
  assert.equal(outputs[3][0].text, `bar ${user.email} ${personal.id}\n`);
  assert.deepEqual(outputs[4], [{ output_type: 'stream', name: 'stderr', text: 'to stderr\n' }]);
  assert.equal(report.interrupt_ename, 'KeyboardInterrupt');
  assert.equal(report.after_restart_ename, 'NameError');
  await until('nbclient shut the kernel down', async () => (await stateOf(report.kernel_id))?.state === 'stopped');
  assert.equal((await stateOf(report.kernel_id))?.reason, 'user-request');
});

test('listings through jupyter_server show only what the token may see', async () => {
  const other = await createUserWithToken(t.db);
  const theirs = await gatewayFetch(gw, '/api/kernels', { token: other.token, method: 'POST', body: {} });
  assert.equal(theirs.status, 201);
  const listed = await js('/api/kernels');
  assert.equal(listed.status, 200);
  assert.equal(listed.body.some((k: { id: string }) => k.id === theirs.body.id), false);
  const missing = await js(`/api/kernels/${theirs.body.id}`);
  assert.equal(missing.status, 404);
  // Lattice's own error body: JSON with the reason jupyter_server reads and a message.
  const direct = await gatewayFetch(gw, `/api/kernels/${theirs.body.id}`, { token });
  assert.equal(direct.status, 404);
  assert.equal(typeof direct.body.reason, 'string');
  assert.equal(typeof direct.body.message, 'string');
  assert.equal((await gatewayFetch(gw, `/api/kernels/${theirs.body.id}`, { token: other.token, method: 'DELETE' })).status, 204);
});

test('binary buffers arrive intact in both framings, as jupyter_server serializes and parses them', async () => {
  const started = await gatewayFetch(gw, '/api/kernels', { token, method: 'POST', body: { name: 'python3' } });
  assert.equal(started.status, 201);
  const report = await runDriver(['buffers', gw.url, token, started.body.id]);
  for (const protocol of ['legacy', 'v1']) {
    assert.deepEqual(report[protocol].from_kernel, ['0001ff', 'fefefe'], protocol);
    assert.equal(report[protocol].from_kernel_binary_frame, true, protocol);
    assert.deepEqual(report[protocol].echoed, ['070080', 'ffffffffff'], protocol);
  }
  assert.equal((await gatewayFetch(gw, `/api/kernels/${started.body.id}`, { token, method: 'DELETE' })).status, 204);
});
