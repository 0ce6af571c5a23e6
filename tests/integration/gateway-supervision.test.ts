/**
 * Self-healing on one machine (issue 13 §6): the gateway as `npm start` runs it — the bundle
 * under plain node, supervised by scripts/platform.ts — is killed with SIGKILL while a kernel
 * holds a variable; the supervisor says so, starts it again, and the same kernel answers with
 * its variable intact. Stopping the supervisor restarts nothing and stops the kernel.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { superviseGateway } from '../../scripts/platform';
import type { ProcessSupervisor } from '../../scripts/supervisor';
import { freePort } from '../helpers/free-port';
import { createUserWithToken, gatewayFetch, openChannels } from '../helpers/gateway';
import { cleanUpGatewayProcesses, makeDataDir } from '../helpers/gateway-process';
import { kernelRow, localState, until } from '../helpers/kernels';
import { createTestDatabase, type TTestDatabase } from '../helpers/postgres';
import { testPython } from '../helpers/python';

let t: TTestDatabase;
let data: Awaited<ReturnType<typeof makeDataDir>>;
let token: string;
let supervisor: ProcessSupervisor | undefined;
const pids: number[] = [];
const lines: string[] = [];
const gw = { url: '', wsUrl: '' };

before(async () => {
  t = await createTestDatabase();
  data = await makeDataDir();
  ({ token } = await createUserWithToken(t.db));
});

after(async () => {
  await supervisor?.stop();
  await cleanUpGatewayProcesses({ gateways: [], pids, databaseUrl: t.url, data });
  await t?.drop();
});

async function answers(): Promise<boolean> {
  try {
    return (await fetch(`${gw.url}/healthz`)).ok;
  } catch {
    return false;
  }
}

test('a SIGKILLed gateway is restarted and the same kernel keeps its variables', async () => {
  const port = await freePort();
  Object.assign(gw, { url: `http://127.0.0.1:${port}`, wsUrl: `ws://127.0.0.1:${port}` });
  supervisor = await superviseGateway({
    settings: {
      DATABASE_URL: t.url,
      LATTICE_DATA_DIR: data.dir,
      LATTICE_GATEWAY_HOST: '127.0.0.1',
      LATTICE_GATEWAY_PORT: String(port),
      LATTICE_PYTHON: testPython(),
    },
    stdio: 'ignore',
    log: (line) => lines.push(line),
  });
  await until('the gateway answers', answers, 60_000);

  const started = await gatewayFetch(gw, '/api/kernels', { token, method: 'POST', body: {} });
  assert.equal(started.status, 201, JSON.stringify(started.body));
  const kernelId = started.body.id as string;
  pids.push((await localState(t.db, kernelId)).pid);
  const before = await openChannels(gw, kernelId, { token });
  assert.equal((await before.execute('x = 41')).reply.content.status, 'ok');
  const dropped = new Promise<void>((resolve) => before.ws.once('close', () => resolve()));

  const killed = supervisor.child.pid!;
  process.kill(killed, 'SIGKILL');
  await dropped;
  await until('the restart', () => supervisor!.child.pid !== killed, 30_000);
  assert.deepEqual(lines.filter((l) => l.startsWith('gateway exited')), ['gateway exited (signal SIGKILL); restarting in 0.5 s']);
  await until('the restarted gateway answers', answers, 60_000);

  const after = await openChannels(gw, kernelId, { token });
  try {
    const { iopub } = await after.execute('x + 1');
    const result = iopub.find((m) => m.header.msg_type === 'execute_result');
    assert.equal((result?.content.data as Record<string, string>)['text/plain'], '42');
  } finally {
    await after.close();
  }
});

test('stopping (Ctrl-C under npm start) restarts nothing and stops the kernel', async () => {
  const [kernelPid] = pids;
  const listed = (await gatewayFetch(gw, '/api/kernels', { token })).body as Array<{ id: string }>;
  assert.equal(listed.length, 1);
  const child = supervisor!.child;
  await supervisor!.stop();
  assert.equal(child.signalCode ?? child.exitCode, 0, 'the gateway shut down on SIGTERM');
  assert.equal(await answers(), false);
  assert.equal(lines.filter((l) => l.startsWith('gateway exited')).length, 1, 'the stop is no crash to repair');
  await until('the kernel process ends', () => {
    try {
      process.kill(kernelPid, 0);
      return false;
    } catch {
      return true;
    }
  });
  assert.equal((await kernelRow(t.db, listed[0].id)).state, 'stopped');
});
