/**
 * Websocket frame caps (issue 14 §1): a client sending a message over the gateway's limit
 * (32 MiB by default) has that socket closed with 1009 and a reason, the gateway's memory
 * stays flat (ws refuses the frame from its header; nothing is buffered), and the kernel
 * keeps serving other connections. The frame is streamed from one small buffer over a raw
 * TCP socket so that the test's own client adds nothing to the RSS being measured (the
 * gateway runs in this process).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import { createTestDatabase, type TTestDatabase } from '../helpers/postgres';
import { createUserWithToken, gatewayFetch, openChannels, startTestGateway, type TTestGateway } from '../helpers/gateway';
import { killGroup, localState } from '../helpers/kernels';

const MIB = 1024 * 1024;
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
  for (let sent = 0; sent < size && !socket.destroyed && socket.writable; sent += chunk.length) {
    if (!socket.write(chunk)) await new Promise((r) => (socket.once('drain', r), socket.once('close', r)));
  }
  const frames = await Promise.race([closed, new Promise<Buffer>((r) => setTimeout(() => (socket.destroy(), r(Buffer.concat(received))), 20_000))]);
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

    const before = process.memoryUsage().rss;
    const told = await pushOversizeFrame(id, 33 * MIB);
    const grown = process.memoryUsage().rss - before;
    assert.equal(told.code, 1009, `closed with ${told.code} ${told.reason}`);
    assert.match(told.reason, /32 MiB/, 'the reason names the limit');
    assert.ok(grown < 6 * MIB, `the gateway's RSS grew by ${(grown / MIB).toFixed(1)} MiB`);

    const next = await openChannels(gw, id, { token });
    try {
      const { iopub } = await next.execute('6 * 7');
      assert.equal((iopub.find((m) => m.header.msg_type === 'execute_result')?.content.data as Record<string, string>)['text/plain'], '42');
    } finally {
      await next.close();
    }
    assert.equal((await gatewayFetch(gw, `/api/kernels/${id}`, { token })).body.lattice.state, 'idle');
  });
});
