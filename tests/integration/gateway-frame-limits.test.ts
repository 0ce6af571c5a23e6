/**
 * Websocket frame caps (issue 14 §1): a client sending a message over the gateway's limit
 * (32 MiB by default) has that socket closed with 1009 and a reason, the gateway's memory
 * stays flat (ws refuses the frame from its header; nothing is buffered), and the kernel
 * keeps serving other connections. The frame is streamed from one small buffer over a raw
 * TCP socket so that the test's own client adds nothing to the RSS being measured (the
 * gateway runs in this process). A client pushing faster than its kernel takes messages is
 * slowed down (the gateway stops reading its socket) rather than buffered in the gateway.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import v8 from 'node:v8';
import vm from 'node:vm';
import { createTestDatabase, type TTestDatabase } from '../helpers/postgres';
import { createUserWithToken, gatewayFetch, openChannels, startTestGateway, type TTestGateway } from '../helpers/gateway';
import { killGroup, localState } from '../helpers/kernels';

const MIB = 1024 * 1024;
// A collection before the baseline, so garbage from earlier steps is not counted as growth.
v8.setFlagsFromString('--expose-gc');
const collectGarbage = vm.runInNewContext('gc') as () => void;
let t: TTestDatabase;
let gw: TTestGateway;
let token: string;
const pids: number[] = [];

before(async () => {
  t = await createTestDatabase();
  gw = await startTestGateway({ db: t.db });
  ({ token } = await createUserWithToken(t.db));
});

after(async () => {
  await gw?.close();
  for (const pid of pids) killGroup(pid);
  await t?.drop();
});

/** Opens the kernel's channels by hand and streams one binary frame of `size` bytes; resolves with the close frame the gateway sent. */
async function pushOversizeFrame(kernelId: string, size: number): Promise<{ code: number; reason: string }> {
  const { port } = new URL(gw.url);
  const socket = net.connect(Number(port), '127.0.0.1');
  socket.on('error', () => undefined);
  const received: Buffer[] = [];
  let handshakeDone!: () => void;
  const handshake = new Promise<void>((resolve) => (handshakeDone = resolve));
  const closed = new Promise<Buffer>((resolve) => socket.once('close', () => resolve(Buffer.concat(received))));
  socket.on('data', (chunk) => {
    received.push(chunk);
    const all = Buffer.concat(received);
    const end = all.indexOf('\r\n\r\n');
    if (end >= 0 && received.length && all.subarray(0, 12).toString() === 'HTTP/1.1 101') {
      received.splice(0, received.length, all.subarray(end + 4));
      handshakeDone();
    }
  });
  await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  socket.write(
    `GET /api/kernels/${kernelId}/channels?session_id=raw HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
      `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\nAuthorization: token ${token}\r\n\r\n`,
  );
  await handshake;
  // FIN + binary, masked, 64-bit length; then the payload from one reused 64 KiB chunk.
  const header = Buffer.alloc(14);
  header[0] = 0x82;
  header[1] = 0x80 | 127;
  header.writeBigUInt64BE(BigInt(size), 2);
  randomBytes(4).copy(header, 10);
  socket.write(header);
  const chunk = Buffer.alloc(64 * 1024, 1);
  // Stop once the gateway has answered, and give it a moment to after the first MiB: bytes
  // it reads and discards after refusing the frame are socket noise, not what is measured.
  const answered = () => received.some((b) => b.length > 0);
  for (let sent = 0; sent < size && !answered() && !socket.destroyed && socket.writable; sent += chunk.length) {
    if (sent === MIB) await new Promise((r) => (setTimeout(r, 2000), socket.once('data', r)));
    if (!socket.write(chunk)) await new Promise((r) => (socket.once('drain', r), socket.once('close', r)));
  }
  const timeout = setTimeout(() => socket.destroy(), 20_000);
  await new Promise<void>((resolve) => (answered() ? resolve() : (socket.once('data', () => resolve()), socket.once('close', () => resolve()))));
  socket.end();
  const frames = await closed;
  clearTimeout(timeout);
  assert.equal(frames[0], 0x88, 'the gateway sent a close frame');
  const length = frames[1] & 0x7f;
  return { code: frames.readUInt16BE(2), reason: frames.subarray(4, 2 + length).toString('utf8') };
}

describe('websocket frame limits', () => {
  test('a 33 MiB frame closes that socket with 1009; the gateway’s memory stays flat and the kernel serves the next client', async () => {
    const created = await gatewayFetch(gw, '/api/kernels', { token, method: 'POST', body: {} });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const id = created.body.id;
    pids.push((await localState(t.db, id)).pid);
    const warm = await openChannels(gw, id, { token });
    await warm.execute('1');
    await warm.close();

    collectGarbage();
    const before = process.memoryUsage();
    // Peaks while the frame arrives (a gateway that buffered it frees it right after): RSS as
    // asked, and the bytes in Buffers, where a buffered frame would sit, without the few MiB
    // of noise V8's own heap adds to RSS in a process that also runs the test.
    const peak = { rss: before.rss, arrayBuffers: before.arrayBuffers };
    const sample = () => {
      const now = process.memoryUsage();
      peak.rss = Math.max(peak.rss, now.rss);
      peak.arrayBuffers = Math.max(peak.arrayBuffers, now.arrayBuffers);
    };
    const sampler = setInterval(sample, 2);
    const told = await pushOversizeFrame(id, 33 * MIB).finally(() => clearInterval(sampler));
    sample();
    const grown = { rss: (peak.rss - before.rss) / MIB, buffers: (peak.arrayBuffers - before.arrayBuffers) / MIB };
    console.log(`growth while refusing a 33 MiB frame: RSS ${grown.rss.toFixed(1)} MiB, Buffers ${grown.buffers.toFixed(1)} MiB`);
    assert.equal(told.code, 1009, `closed with ${told.code} ${told.reason}`);
    assert.match(told.reason, /32 MiB/, 'the reason names the limit');
    assert.ok(grown.buffers < 4, `the gateway held ${grown.buffers.toFixed(1)} MiB more in Buffers`);
    assert.ok(grown.rss < 12, `the gateway's RSS grew by ${grown.rss.toFixed(1)} MiB`);

    const next = await openChannels(gw, id, { token });
    try {
      const { iopub } = await next.execute('6 * 7');
      assert.equal((iopub.find((m) => m.header.msg_type === 'execute_result')?.content.data as Record<string, string>)['text/plain'], '42');
    } finally {
      await next.close();
    }
    assert.equal((await gatewayFetch(gw, `/api/kernels/${id}`, { token })).body.lattice.state, 'idle');
  });

  test('a client pushing faster than its kernel takes is held back at its own end, and nothing is lost', async () => {
    const limited = await startTestGateway({ db: t.db, config: { wsLimits: { maxFrameBytes: 32 * MIB, maxInFlightBytes: MIB } } });
    try {
      const created = await gatewayFetch(limited, '/api/kernels', { token, method: 'POST', body: {} });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      const { pid } = await localState(t.db, created.body.id);
      pids.push(pid);
      const ch = await openChannels(limited, created.body.id, { token });
      try {
        await ch.execute('n = 0');
        // The kernel stops taking messages; the client sends 24 × 4 MiB = 96 MiB at it.
        process.kill(-pid, 'SIGSTOP');
        const padding = 'x'.repeat(4 * MIB);
        const ids: string[] = [];
        try {
          for (let i = 0; i < 24; i++) ids.push(ch.send('shell', 'execute_request', { code: `n += 1  # ${padding}`, silent: false, store_history: false, user_expressions: {}, allow_stdin: false }));
          await new Promise((r) => setTimeout(r, 3000));
          const heldByClient = ch.ws.bufferedAmount;
          assert.ok(heldByClient > 48 * MIB, `only ${(heldByClient / MIB).toFixed(1)} MiB still wait at the client: the gateway took the rest`);
        } finally {
          process.kill(-pid, 'SIGCONT');
        }
        for (const id of ids) await ch.waitFor((m) => m.channel === 'shell' && m.parent_header.msg_id === id, 60_000);
        const { iopub } = await ch.execute('n');
        assert.equal((iopub.find((m) => m.header.msg_type === 'execute_result')?.content.data as Record<string, string>)['text/plain'], '24', 'every message reached the kernel, in order');
      } finally {
        await ch.close();
      }
    } finally {
      await limited.close();
    }
  });
});
