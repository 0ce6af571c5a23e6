/**
 * A kernel that dies on its own (issue 3): `os._exit(1)` and a segfault are each reported
 * `dead: crashed` within 2 s — in the API, in Postgres, and to the connected client, whose
 * websocket is closed with the reason.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestDatabase, type TTestDatabase } from '../helpers/postgres';
import { createUserWithToken, gatewayFetch, openChannels, startTestGateway, type TTestGateway } from '../helpers/gateway';
import { kernelRow, killGroup, localState, until } from '../helpers/kernels';

let t: TTestDatabase;
let gw: TTestGateway;
let token: string;
const pids: number[] = [];

before(async () => {
  t = await createTestDatabase();
  // The default liveness interval (1 s): a child's exit is noticed at once regardless.
  gw = await startTestGateway({ db: t.db, config: { kernelPollIntervalMs: 1000 } });
  ({ token } = await createUserWithToken(t.db));
});

after(async () => {
  await gw?.close();
  for (const pid of pids) killGroup(pid);
  await t?.drop();
});

async function crashWith(code: string): Promise<{ elapsedMs: number; close: { code: number; reason: string }; kernelId: string }> {
  const res = await gatewayFetch(gw, '/api/kernels', { token, method: 'POST', body: {} });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  const kernelId = res.body.id as string;
  pids.push((await localState(t.db, kernelId)).pid);
  const ch = await openChannels(gw, kernelId, { token });
  const closed = new Promise<{ code: number; reason: string }>((resolve) => ch.ws.once('close', (c, r) => resolve({ code: c, reason: r.toString() })));
  const sent = Date.now();
  ch.send('shell', 'execute_request', { code, silent: false, store_history: true, user_expressions: {}, allow_stdin: false });
  const close = await closed;
  await until('dead in the API', async () => (await gatewayFetch(gw, `/api/lattice/kernels/${kernelId}`, { token })).body.execution_state === 'dead', 5000);
  await until('dead in Postgres', async () => (await kernelRow(t.db, kernelId)).state === 'dead', 5000);
  return { elapsedMs: Date.now() - sent, close, kernelId };
}

describe('a kernel that dies on its own', () => {
  test('os._exit(1) → dead: crashed within 2 s, the client told', async () => {
    const { elapsedMs, close, kernelId } = await crashWith('import os; os._exit(1)');
    assert.ok(elapsedMs < 2000, `reported after ${elapsedMs} ms`);
    assert.deepEqual(close, { code: 1000, reason: 'kernel dead: crashed' });
    const row = await kernelRow(t.db, kernelId);
    assert.deepEqual([row.state, row.reason], ['dead', 'crashed']);
    assert.match(row.detail ?? '', /exit code 1/);
  });

  test('a segfault (ctypes.string_at(0)) → dead: crashed within 2 s, the client told', async () => {
    const { elapsedMs, close, kernelId } = await crashWith('import ctypes; ctypes.string_at(0)');
    assert.ok(elapsedMs < 2000, `reported after ${elapsedMs} ms`);
    assert.deepEqual(close, { code: 1000, reason: 'kernel dead: crashed' });
    const row = await kernelRow(t.db, kernelId);
    assert.deepEqual([row.state, row.reason], ['dead', 'crashed']);
    assert.match(row.detail ?? '', /SIGSEGV/);
    const model = await gatewayFetch(gw, `/api/lattice/kernels/${kernelId}`, { token });
    assert.equal(model.body.reason, 'crashed');
    assert.equal((await gatewayFetch(gw, `/api/kernels/${kernelId}`, { token })).status, 404, 'gone for Jupyter clients');
    assert.deepEqual((await gatewayFetch(gw, '/api/kernels', { token })).body, [], 'no longer listed as running');
  });
});
