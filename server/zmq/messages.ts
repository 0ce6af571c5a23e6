import { z } from 'zod';
import type { TMessageParts } from './wire';

/** Kernel channels a websocket multiplexes (heartbeat stays inside the gateway). */
export const CHANNELS = ['shell', 'control', 'stdin', 'iopub'] as const;
export type TChannel = (typeof CHANNELS)[number];
/** The header fields the gateway reads; everything else passes through untouched. */
export const ZMessageHeader = z.looseObject({
  msg_id: z.string().min(1),
  msg_type: z.string().min(1),
  session: z.string().optional(),
});
export type TMessageHeader = z.infer<typeof ZMessageHeader>;

/** A frame the gateway cannot make sense of; the socket that sent it is closed. */
export class MalformedFrameError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MalformedFrameError';
  }
}

/** Parses and validates a header part; throws `MalformedFrameError`. */
export function parseHeader(part: Buffer): TMessageHeader {
  let json: unknown;
  try {
    json = JSON.parse(part.toString('utf8'));
  } catch {
    throw new MalformedFrameError('header is not JSON');
  }
  const parsed = ZMessageHeader.safeParse(json);
  if (!parsed.success) throw new MalformedFrameError('header lacks msg_id or msg_type');
  return parsed.data;
}

/** The `username` of messages the gateway sends itself (ready nudges, shutdown, pool set-up). */
const GATEWAY_USERNAME = 'lattice-gateway';

/** A gateway-originated request (kernel_info nudge, shutdown_request), in wire parts. */
export function buildMessage(msgType: string, content: object, session: string): { msgId: string; parts: TMessageParts } {
  const msgId = crypto.randomUUID();
  const header = { msg_id: msgId, msg_type: msgType, session, username: GATEWAY_USERNAME, date: new Date().toISOString(), version: '5.3' };
  const json = (v: unknown) => Buffer.from(JSON.stringify(v), 'utf8');
  return { msgId, parts: [json(header), json({}), json({}), json(content)] };
}

/** `parent_header.msg_id` of a kernel message, or null; used to match replies to requests. */
export function parentMsgId(part: Buffer): string | null {
  try {
    const parent = JSON.parse(part.toString('utf8')) as { msg_id?: unknown };
    return typeof parent?.msg_id === 'string' ? parent.msg_id : null;
  } catch {
    return null;
  }
}
