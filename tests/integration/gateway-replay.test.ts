/**
 * What a websocket client can rely on beyond the relay itself: a client that reconnects with
 * its session_id gets the iopub messages it missed (exactly once), the gateway's own
 * `status: restarting` / `dead` messages, and dead peers are dropped by ping/pong.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { eq } from 'drizzle-orm';
import { kernels } from '../../db/schema';
import { createUserWithToken, gatewayFetch, openChannels, startTestGateway, type TClientMessage, type TTestGateway } from '../helpers/gateway';
import { createTestDatabase, type TTestDatabase } from '../helpers/postgres';

let t: TTestDatabase;
let gw: TTestGateway;
let token: string;

before(async () => {
  t = await createTestDatabase();
  gw = await startTestGateway({ db: t.db, config: { wsPingIntervalMs: 300 } });
  ({ token } = await createUserWithToken(t.db));
});

after(async () => {
  await gw?.close();
  await t?.drop();
});

async function startKernel(): Promise<string> {
  const res = await gatewayFetch(gw, '/api/kernels', { token, method: 'POST', body: { name: 'python3' } });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return res.body.id;
}

async function until(what: string, f: () => Promise<boolean> | boolean, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await f())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const streamText = (msgs: TClientMessage[], parent: string) =>
  msgs
    .filter((m) => m.channel === 'iopub' && m.parent_header.msg_id === parent && m.header.msg_type === 'stream')
    .map((m) => String(m.content.text))
    .join('');

const isStatus = (state: string) => (m: TClientMessage) => m.channel === 'iopub' && m.header.msg_type === 'status' && m.content.execution_state === state;

test('a client that reconnects with its session_id gets every line it missed, exactly once', async () => {
  const kernelId = await startKernel();
  const sessionId = crypto.randomUUID();
  const first = await openChannels(gw, kernelId, { token, sessionId, protocol: 'legacy' });
  const runId = first.send('shell', 'execute_request', {
    code: 'import time\nfor i in range(40):\n    print(f"line {i}", flush=True)\n    time.sleep(0.05)',
    silent: false,
    store_history: true,
    user_expressions: {},
    allow_stdin: false,
    stop_on_error: true,
  });
  await first.waitFor((m) => m.channel === 'iopub' && m.parent_header.msg_id === runId && String(m.content.text ?? '').includes('line 5'));
  await first.close();
  const bystander = await openChannels(gw, kernelId, { token });
  await new Promise((r) => setTimeout(r, 600));
  const second = await openChannels(gw, kernelId, { token, sessionId, protocol: 'v1' });
  try {
    await second.waitFor((m) => isStatus('idle')(m) && m.parent_header.msg_id === runId);
    const lines = (streamText(first.messages, runId) + streamText(second.messages, runId)).split('\n').filter(Boolean);
    assert.deepEqual(lines, Array.from({ length: 40 }, (_, i) => `line ${i}`));
    // Replayed frames are the kernel's own: the missed ones carry their original headers.
    assert.ok(second.messages.some((m) => m.parent_header.msg_id === runId && m.header.msg_type === 'stream'));
    // A session that joined mid-run sees the rest live and nothing from before it joined.
    const seen = streamText(bystander.messages, runId).split('\n').filter(Boolean);
    assert.equal(seen.at(-1), 'line 39');
    assert.equal(seen.includes('line 0'), false);
  } finally {
    await second.close();
    await bystander.close();
  }
  const fresh = await openChannels(gw, kernelId, { token });
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(streamText(fresh.messages, runId), '', 'a new session gets no replay');
  await fresh.close();
  assert.equal((await gatewayFetch(gw, `/api/kernels/${kernelId}`, { token, method: 'DELETE' })).status, 204);
});

test('restart through the API: no status restarting (JupyterLab reads it as a death), the kernel starts afresh and every client sees it idle again', async () => {
  const kernelId = await startKernel();
  const a = await openChannels(gw, kernelId, { token, protocol: 'v1' });
  const b = await openChannels(gw, kernelId, { token, protocol: 'legacy' });
  try {
    const [seenA, seenB] = [a.messages.length, b.messages.length];
    const res = await gatewayFetch(gw, `/api/kernels/${kernelId}/restart`, { token, method: 'POST' });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    for (const [ch, before] of [[a, seenA], [b, seenB]] as const) {
      // The fresh process answered the gateway's readiness check on iopub; clients see it.
      await ch.waitFor((m) => isStatus('idle')(m) && ch.messages.indexOf(m) >= before);
      assert.equal(ch.messages.filter(isStatus('restarting')).length, 0, 'no restarting status for a requested restart');
    }
    assert.equal((await a.execute('1 + 1')).reply.content.status, 'ok', 'the same socket works after the restart');
  } finally {
    await a.close();
    await b.close();
  }
  assert.equal((await gatewayFetch(gw, `/api/kernels/${kernelId}`, { token, method: 'DELETE' })).status, 204);
});

test('death: clients get status dead, then the socket closes', async () => {
  const kernelId = await startKernel();
  const ch = await openChannels(gw, kernelId, { token });
  const closed = new Promise<number>((resolve) => ch.ws.once('close', (code) => resolve(code)));
  const [row] = await t.db.select({ state: kernels.provisionerState }).from(kernels).where(eq(kernels.id, kernelId));
  process.kill((row.state as { pid: number }).pid, 'SIGKILL');
  await ch.waitFor(isStatus('dead'));
  assert.equal(await closed, 1000);
  // Gone for Jupyter clients (404, as jupyter_server answers); why it died stays on Lattice's route.
  await until('gone from the Jupyter API', async () => (await gatewayFetch(gw, `/api/kernels/${kernelId}`, { token })).status === 404);
  const ended = (await gatewayFetch(gw, `/api/lattice/kernels/${kernelId}`, { token })).body;
  assert.deepEqual([ended.execution_state, ended.reason, ended.lattice.state], ['dead', 'crashed', 'dead']);
});

test('ping/pong: a peer that stops answering pings is dropped and no longer counted', async () => {
  const kernelId = await startKernel();
  const silent = await openChannels(gw, kernelId, { token, autoPong: false });
  const healthy = await openChannels(gw, kernelId, { token });
  const closed = new Promise<void>((resolve) => silent.ws.once('close', () => resolve()));
  assert.equal((await gatewayFetch(gw, `/api/kernels/${kernelId}`, { token })).body.connections, 2);
  await closed;
  await until('connections = 1', async () => (await gatewayFetch(gw, `/api/kernels/${kernelId}`, { token })).body.connections === 1);
  await new Promise((r) => setTimeout(r, 900));
  assert.equal(healthy.ws.readyState, healthy.ws.OPEN, 'a peer that answers stays');
  assert.equal((await healthy.execute('2 + 2')).reply.content.status, 'ok');
  await healthy.close();
  assert.equal((await gatewayFetch(gw, `/api/kernels/${kernelId}`, { token, method: 'DELETE' })).status, 204);
});
