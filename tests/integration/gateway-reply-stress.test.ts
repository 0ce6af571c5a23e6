/**
 * No reply is ever lost (issue 13 §1): 20 kernels, 500 executions spread over them and
 * pipelined per kernel, while two busy loops hold both CPUs. Every request gets exactly one
 * execute_reply and exactly one `status: idle`, each in request order, with its own output.
 *
 * The "lost execute_reply" once reported under load was a client that dropped messages it
 * was not waiting for yet: a reply on shell routinely overtakes its own iopub output (even
 * its `status: busy`) because the channels are separate sockets with no order between them.
 * So this client keeps every message, and order is asserted per channel, never across.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { createUserWithToken, gatewayFetch, openChannels, startTestGateway, type TChannelsClient, type TTestGateway } from '../helpers/gateway';
import { clearDefaultQuotas } from '../helpers/default-quotas';
import { createTestDatabase, type TTestDatabase } from '../helpers/postgres';

const KERNELS = 20;
const EXECUTIONS = 500;

let t: TTestDatabase;
let gw: TTestGateway;
let token: string;
const busyLoops: ChildProcess[] = [];

before(async () => {
  t = await createTestDatabase();
  gw = await startTestGateway({ db: t.db, config: { kernelStartTimeoutMs: 120_000 } });
  // Twenty kernels of one user: more than the default quotas allow, so the admin lifts them first.
  await clearDefaultQuotas(t.db);
  ({ token } = await createUserWithToken(t.db));
});

after(async () => {
  for (const loop of busyLoops) loop.kill('SIGKILL');
  await gw?.close();
  await t?.drop();
});

async function startKernel(): Promise<string> {
  const res = await gatewayFetch(gw, '/api/kernels', { token, method: 'POST', body: { name: 'python3' } });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return res.body.id as string;
}

/** Resolves once `n` messages match (already received or later), or rejects at the deadline. */
async function waitForCount(ch: TChannelsClient, match: (m: TChannelsClient['messages'][number]) => boolean, n: number, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (ch.messages.filter(match).length < n) {
    if (Date.now() > deadline) return;
    await new Promise((r) => setTimeout(r, 50));
  }
}

test(`${EXECUTIONS} executions over ${KERNELS} kernels under CPU load: exactly one reply and one idle each, in order`, { timeout: 600_000 }, async () => {
  // Launched a few at a time before the load: this test is about replies, not launches.
  const ids: string[] = [];
  for (let i = 0; i < KERNELS; i += 5) ids.push(...(await Promise.all(Array.from({ length: Math.min(5, KERNELS - i) }, startKernel))));
  const clients = await Promise.all(ids.map((id, i) => openChannels(gw, id, { token, protocol: i % 2 ? 'legacy' : 'v1' })));

  for (let i = 0; i < 2; i++) busyLoops.push(spawn('sh', ['-c', 'while :; do :; done'], { stdio: 'ignore' }));

  // Round-robin, all sent at once: each kernel has a queue of 25 requests in flight.
  const sent: string[][] = clients.map(() => []);
  for (let n = 0; n < EXECUTIONS; n++) {
    const k = n % KERNELS;
    sent[k].push(clients[k].send('shell', 'execute_request', { code: `print(${n})`, silent: false, store_history: true, user_expressions: {}, allow_stdin: false, stop_on_error: false }));
  }

  const isReply = (m: TChannelsClient['messages'][number]) => m.channel === 'shell' && m.header.msg_type === 'execute_reply';
  const isIdle = (m: TChannelsClient['messages'][number]) => m.channel === 'iopub' && m.header.msg_type === 'status' && m.content.execution_state === 'idle';
  await Promise.all(
    clients.map(async (ch, k) => {
      const last = sent[k].at(-1);
      await waitForCount(ch, (m) => isReply(m) || (isIdle(m) && m.parent_header.msg_id === last), sent[k].length + 1, 300_000);
    }),
  );
  // A duplicate would arrive close behind the original: give it the time to show.
  await new Promise((r) => setTimeout(r, 1000));
  for (const loop of busyLoops.splice(0)) loop.kill('SIGKILL');

  let replies = 0;
  for (const [k, ch] of clients.entries()) {
    const mine = new Set(sent[k]);
    const replyParents = ch.messages.filter(isReply).map((m) => m.parent_header.msg_id as string);
    const idleParents = ch.messages.filter((m) => isIdle(m) && mine.has(m.parent_header.msg_id as string)).map((m) => m.parent_header.msg_id as string);
    assert.deepEqual(replyParents, sent[k], `kernel ${k}: one execute_reply per request, in request order`);
    assert.deepEqual(idleParents, sent[k], `kernel ${k}: one idle per request, in request order`);
    for (const [i, msgId] of sent[k].entries()) {
      const reply = ch.messages.find((m) => isReply(m) && m.parent_header.msg_id === msgId)!;
      assert.equal(reply.content.status, 'ok', `kernel ${k} request ${i}: ${JSON.stringify(reply.content)}`);
      const out = ch.messages.filter((m) => m.channel === 'iopub' && m.header.msg_type === 'stream' && m.parent_header.msg_id === msgId).map((m) => m.content.text).join('');
      assert.equal(out, `${i * KERNELS + k}\n`, `kernel ${k} request ${i}: its own output`);
    }
    replies += replyParents.length;
  }
  assert.equal(replies, EXECUTIONS);
  console.log(`# ${replies} replies and ${EXECUTIONS} idles, each exactly once and in order, over ${KERNELS} kernels`);

  await Promise.all(clients.map((ch) => ch.close()));
  const stops = await Promise.all(ids.map((id) => gatewayFetch(gw, `/api/kernels/${id}`, { token, method: 'DELETE' })));
  assert.ok(stops.every((s) => s.status === 204));
});
