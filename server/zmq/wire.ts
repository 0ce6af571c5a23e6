import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The Jupyter wire protocol over ZeroMQ (messaging spec, "The Wire Protocol"):
 *   [routing ids…, '<IDS|MSG>', hmac, header, parent_header, metadata, content, buffers…]
 * The HMAC-SHA256 covers the four JSON parts (not the buffers), hex-encoded; an empty
 * key means unsigned, as in jupyter_client's Session.
 */
export const DELIMITER = Buffer.from('<IDS|MSG>');

/** The four JSON parts, kept as the bytes the sender wrote so nothing is re-encoded. */
export type TMessageParts = [header: Buffer, parentHeader: Buffer, metadata: Buffer, content: Buffer];

export interface TWireMessage {
  parts: TMessageParts;
  buffers: Buffer[];
}

export class SignatureError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SignatureError';
  }
}

/** Hex HMAC-SHA256 of the four parts; '' when the kernel runs without a key. */
export function sign(key: Buffer, parts: readonly Buffer[]): string {
  if (key.length === 0) return '';
  const hmac = createHmac('sha256', key);
  for (const part of parts) hmac.update(part);
  return hmac.digest('hex');
}

/** Constant-time check of a received signature against the parts it claims to cover. */
export function verify(key: Buffer, parts: readonly Buffer[], signature: Buffer): boolean {
  if (key.length === 0) return true;
  const expected = Buffer.from(sign(key, parts), 'ascii');
  return expected.length === signature.length && timingSafeEqual(expected, signature);
}

/** Frames for `socket.send`: routing ids (none from a DEALER), delimiter, signature, parts, buffers. */
export function encodeWire(key: Buffer, msg: TWireMessage, routingIds: readonly Buffer[] = []): Buffer[] {
  return [...routingIds, DELIMITER, Buffer.from(sign(key, msg.parts), 'ascii'), ...msg.parts, ...msg.buffers];
}

/**
 * Splits received frames and checks the signature. Throws `SignatureError` for a bad or
 * missing signature and for frames that are not a Jupyter message at all.
 */
export function decodeWire(key: Buffer, frames: readonly Buffer[]): TWireMessage & { routingIds: Buffer[] } {
  const at = frames.findIndex((f) => f.equals(DELIMITER));
  if (at < 0 || frames.length < at + 6) throw new SignatureError('not a Jupyter message: no delimiter or too few frames');
  const signature = frames[at + 1];
  const parts = frames.slice(at + 2, at + 6) as TMessageParts;
  if (!verify(key, parts, signature)) throw new SignatureError('invalid message signature');
  return { routingIds: frames.slice(0, at), parts, buffers: frames.slice(at + 6) };
}
