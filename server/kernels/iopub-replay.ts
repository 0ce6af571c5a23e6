import type { TWireMessage } from '../zmq/wire';

export interface TReplayLimits {
  /** Messages kept per kernel at most. */
  maxMessages: number;
  /** Bytes (parts + buffers) kept per kernel at most. */
  maxBytes: number;
  /** How long a departed session may come back and still get what it missed. */
  windowMs: number;
}

export const DEFAULT_REPLAY_LIMITS: Readonly<TReplayLimits> = Object.freeze({ maxMessages: 1000, maxBytes: 8 * 1024 * 1024, windowMs: 60_000 });

interface TEntry {
  seq: number;
  msg: TWireMessage;
  bytes: number;
  at: number;
}

function sizeOf(msg: TWireMessage): number {
  let n = 0;
  for (const p of msg.parts) n += p.length;
  for (const b of msg.buffers) n += b.length;
  return n;
}

/**
 * One kernel's recent iopub messages, numbered, so that a websocket that comes back with
 * the same `session_id` gets exactly what was published after the last message it was
 * sent (jupyter_server buffers a departed session's messages the same way). Bounded by
 * count, bytes and time; messages are kept only while some session is attached or may
 * still return, so a kernel nobody watches holds nothing.
 *
 * "Sent" means handed to the websocket: a peer that vanishes without closing loses what
 * was in flight, as with any TCP connection.
 */
export class IopubReplayBuffer {
  private seq = 0;
  private entries: TEntry[] = [];
  private bytes = 0;
  private attached = 0;
  /** session id → the last sequence number it was sent, and when it left. */
  private readonly departed = new Map<string, { seq: number; at: number }>();

  constructor(private readonly limits: TReplayLimits = DEFAULT_REPLAY_LIMITS) {}

  /** The sequence number of the latest message recorded (0 before any). */
  get lastSeq(): number {
    return this.seq;
  }

  /** Called by the kernel for every iopub message, before it is fanned out. */
  record(msg: TWireMessage): void {
    this.seq++;
    const now = Date.now();
    this.prune(now);
    if (this.attached === 0 && this.departed.size === 0) return;
    const bytes = sizeOf(msg);
    this.entries.push({ seq: this.seq, msg, bytes, at: now });
    this.bytes += bytes;
    while (this.entries.length > this.limits.maxMessages || (this.bytes > this.limits.maxBytes && this.entries.length > 0)) {
      this.bytes -= this.entries.shift()!.bytes;
    }
  }

  /**
   * A session attaches: returns what it missed since it last left (nothing for a session
   * seen for the first time or gone longer than the window), in order.
   */
  join(sessionId: string | undefined): TWireMessage[] {
    this.attached++;
    if (!sessionId) return [];
    const now = Date.now();
    this.prune(now);
    const left = this.departed.get(sessionId);
    if (!left) return [];
    this.departed.delete(sessionId);
    return this.entries.filter((e) => e.seq > left.seq).map((e) => e.msg);
  }

  /** A session detaches having been sent every message up to `lastSentSeq`. */
  leave(sessionId: string | undefined, lastSentSeq: number): void {
    this.attached = Math.max(0, this.attached - 1);
    if (sessionId) this.departed.set(sessionId, { seq: lastSentSeq, at: Date.now() });
  }

  private prune(now: number): void {
    for (const [id, left] of this.departed) if (now - left.at > this.limits.windowMs) this.departed.delete(id);
    while (this.entries.length > 0 && now - this.entries[0].at > this.limits.windowMs) this.bytes -= this.entries.shift()!.bytes;
    if (this.attached === 0 && this.departed.size === 0) {
      this.entries = [];
      this.bytes = 0;
    }
  }
}
