/**
 * Logs: structured pino JSON with kernel ids, and never a token, a kernel's HMAC key or what
 * a user ran or printed — checked by capturing every line (at trace level) of a session that
 * uses tokens in headers and URLs, runs code, restarts, interrupts and stops a kernel.
 * Also: a used token's `last_used_at` is recorded.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { eq } from 'drizzle-orm';
import { pino } from 'pino';
import { apiTokens, kernels } from '../../db/schema';
import { openEventStream } from '../helpers/event-stream';
import { createUserWithToken, gatewayFetch, openChannels, startTestGateway, type TTestGateway } from '../helpers/gateway';
import { createTestDatabase, type TTestDatabase } from '../helpers/postgres';

let t: TTestDatabase;
let gw: TTestGateway;
const lines: string[] = [];

before(async () => {
  t = await createTestDatabase();
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  gw = await startTestGateway({ db: t.db, logger: pino({ level: 'trace', base: { service: 'gateway' } }, sink) });
});

after(async () => {
  await gw?.close();
  await t?.drop();
});

test('no token, key or message content in any log line; kernel lines carry the kernel id', async () => {
  const { token, user } = await createUserWithToken(t.db);
  const codeMarker = 'c0de_m4rker_91f3';
  const outputMarker = 'out_m4rker_27ab';
  const started = await gatewayFetch(gw, '/api/kernels', { token, method: 'POST', body: { env: { KERNEL_SECRETISH: 'env_m4rker_55c1' } } });
  assert.equal(started.status, 201);
  const kernelId = started.body.id;
  const [row] = await t.db.select({ connection: kernels.connection }).from(kernels).where(eq(kernels.id, kernelId));
  const key = (row.connection as { key: string }).key;

  const events = await openEventStream(`${gw.url}/api/events?token=${encodeURIComponent(token)}`);
  const ch = await openChannels(gw, kernelId, { token, tokenInQuery: true });
  const { iopub } = await ch.execute(`${codeMarker} = "${outputMarker.slice(0, 4)}" + "${outputMarker.slice(4)}"\nprint(${codeMarker})`);
  assert.ok(iopub.some((m) => String(m.content.text ?? '').includes(outputMarker)));
  await ch.execute('raise ValueError("err_m4rker_88d0")');
  assert.equal((await gatewayFetch(gw, `/api/kernels/${kernelId}/interrupt`, { token, method: 'POST' })).status, 204);
  assert.equal((await gatewayFetch(gw, `/api/kernels/${kernelId}/restart`, { token, method: 'POST' })).status, 200);
  await ch.close();
  events.close();
  assert.equal((await gatewayFetch(gw, `/api/kernels?token=not-a-valid-token-3b9e`)).status, 401);
  assert.equal((await gatewayFetch(gw, `/api/kernels/${kernelId}`, { token, method: 'DELETE' })).status, 204);

  assert.ok(lines.length > 20, 'the run was logged');
  const all = lines.join('\n');
  for (const secret of [token, key, codeMarker, outputMarker, 'err_m4rker_88d0', 'env_m4rker_55c1', 'not-a-valid-token-3b9e']) {
    assert.equal(all.includes(secret), false, `a log line contains ${secret === token ? 'the token' : secret === key ? 'the HMAC key' : secret}`);
  }
  const parsed = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
  const stateLines = parsed.filter((l) => l.msg === 'kernel state');
  assert.ok(stateLines.length >= 6);
  for (const l of stateLines) assert.equal(l.kernelId, kernelId);
  assert.ok(parsed.some((l) => l.msg === 'websocket connected' && l.kernelId === kernelId && l.userId === user.id));

  const deadline = Date.now() + 5000;
  let lastUsed: Date | null = null;
  while (!lastUsed && Date.now() < deadline) {
    [{ lastUsed }] = await t.db.select({ lastUsed: apiTokens.lastUsedAt }).from(apiTokens).where(eq(apiTokens.userId, user.id));
    if (!lastUsed) await new Promise((r) => setTimeout(r, 50));
  }
  assert.ok(lastUsed, 'last_used_at is recorded');
  assert.ok(Date.now() - lastUsed.getTime() < 60_000);
});
