import { z } from 'zod';
import { MalformedFrameError, parseHeader } from '../zmq/messages';
import { toChannel, type TRelayMessage } from './relay-message';
import type { TMessageParts } from '../zmq/wire';

/**
 * The two websocket framings jupyter_server speaks (docs: "Websocket protocols"):
 * - `v1.kernel.websocket.jupyter.org`: binary; a little-endian uint64 count n, n uint64
 *   offsets, then channel, header, parent_header, metadata, content, buffers… back to back.
 * - legacy (no subprotocol): a JSON text frame `{channel, header, parent_header, metadata,
 *   content}`; with buffers a binary frame: big-endian uint32 count, uint32 offsets, the
 *   JSON (without `buffers`), then each buffer.
 * Kernel→client frames are spliced from the ZeroMQ parts' bytes, never re-encoded.
 */
export const V1_PROTOCOL = 'v1.kernel.websocket.jupyter.org';

export function encodeV1(msg: TRelayMessage): Buffer {
  const chunks = [Buffer.from(msg.channel, 'utf8'), ...msg.parts, ...msg.buffers];
  const count = chunks.length + 1;
  const table = Buffer.alloc(8 * (count + 1));
  table.writeBigUInt64LE(BigInt(count), 0);
  let offset = table.length;
  table.writeBigUInt64LE(BigInt(offset), 8);
  chunks.forEach((chunk, i) => {
    offset += chunk.length;
    table.writeBigUInt64LE(BigInt(offset), 8 * (i + 2));
  });
  return Buffer.concat([table, ...chunks]);
}

export function decodeV1(frame: Buffer): TRelayMessage {
  if (frame.length < 8) throw new MalformedFrameError('v1 frame too short');
  const count = Number(frame.readBigUInt64LE(0));
  // channel + four parts need six offsets; the table itself must fit in the frame.
  if (count < 6 || 8 * (count + 1) > frame.length) throw new MalformedFrameError('v1 offset table invalid');
  const offsets: number[] = [];
  for (let i = 0; i < count; i++) {
    const o = Number(frame.readBigUInt64LE(8 * (i + 1)));
    if (o < (offsets.at(-1) ?? 8 * (count + 1)) || o > frame.length) throw new MalformedFrameError('v1 offsets out of order');
    offsets.push(o);
  }
  const slices = offsets.slice(0, -1).map((start, i) => frame.subarray(start, offsets[i + 1]));
  const channel = toChannel(slices[0].toString('utf8'));
  return { channel, parts: slices.slice(1, 5) as TMessageParts, buffers: slices.slice(5) };
}

/** Kernel→client in the legacy framing: JSON text, or the binary layout when there are buffers. */
export function encodeLegacy(msg: TRelayMessage): string | Buffer {
  const header = parseHeader(msg.parts[0]);
  const [h, p, m, c] = msg.parts.map((b) => b.toString('utf8'));
  // msg_id/msg_type at top level, as jupyter_client's Session.deserialize returns them.
  const ids = `"msg_id":${JSON.stringify(header.msg_id)},"msg_type":${JSON.stringify(header.msg_type)}`;
  const body = `{"header":${h},${ids},"parent_header":${p},"metadata":${m},"content":${c},"channel":${JSON.stringify(msg.channel)}`;
  if (msg.buffers.length === 0) return `${body},"buffers":[]}`;
  const chunks = [Buffer.from(`${body}}`, 'utf8'), ...msg.buffers];
  const table = Buffer.alloc(4 * (chunks.length + 1));
  table.writeUInt32BE(chunks.length, 0);
  let offset = table.length;
  chunks.forEach((chunk, i) => {
    table.writeUInt32BE(offset, 4 * (i + 1));
    offset += chunk.length;
  });
  return Buffer.concat([table, ...chunks]);
}

const ZLegacyMessage = z.object({
  channel: z.string().optional(),
  header: z.record(z.string(), z.unknown()),
  parent_header: z.record(z.string(), z.unknown()).nullish(),
  metadata: z.record(z.string(), z.unknown()).nullish(),
  content: z.record(z.string(), z.unknown()).nullish(),
});

function splitLegacyBinary(frame: Buffer): { json: Buffer; buffers: Buffer[] } {
  if (frame.length < 8) throw new MalformedFrameError('binary frame too short');
  const count = frame.readUInt32BE(0);
  if (count < 1 || 4 * (count + 1) > frame.length) throw new MalformedFrameError('binary offset table invalid');
  const offsets: number[] = [];
  for (let i = 1; i <= count; i++) {
    const o = frame.readUInt32BE(4 * i);
    if (o < (offsets.at(-1) ?? 4 * (count + 1)) || o > frame.length) throw new MalformedFrameError('binary offsets out of order');
    offsets.push(o);
  }
  const slices = offsets.map((start, i) => frame.subarray(start, offsets[i + 1] ?? frame.length));
  return { json: slices[0], buffers: slices.slice(1) };
}

/**
 * Client→kernel in the legacy framing. The JSON parts are re-serialized here because the
 * frame carries them as one document; a missing channel means shell (jupyter_server does so).
 */
export function decodeLegacy(frame: string | Buffer, isBinary: boolean): TRelayMessage {
  const { json, buffers } = isBinary ? splitLegacyBinary(frame as Buffer) : { json: frame, buffers: [] as Buffer[] };
  let raw: unknown;
  try {
    raw = JSON.parse(json.toString());
  } catch {
    throw new MalformedFrameError('frame is not JSON');
  }
  const parsed = ZLegacyMessage.safeParse(raw);
  if (!parsed.success) throw new MalformedFrameError('frame is not a kernel message');
  const msg = parsed.data;
  const toPart = (v: unknown) => Buffer.from(JSON.stringify(v ?? {}), 'utf8');
  const parts: TMessageParts = [toPart(msg.header), toPart(msg.parent_header), toPart(msg.metadata), toPart(msg.content)];
  parseHeader(parts[0]);
  return { channel: toChannel(msg.channel ?? 'shell'), parts, buffers };
}
