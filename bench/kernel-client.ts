import { randomUUID } from 'node:crypto';
import type { TChannel } from '../server/zmq/messages';
import type { TMessageParts } from '../server/zmq/wire';

/** A kernel message as both benchmark clients hand it on: header, parent id and content parsed. */
export interface TBenchMessage {
  channel: TChannel;
  msgType: string;
  parentId: string | null;
  content: Record<string, unknown>;
}

/**
 * How a benchmark client reaches a kernel: straight over ZeroMQ (the floor) or through the
 * gateway's websocket. Everything above this seam is shared, so both do identical work
 * per message and the difference between them is the gateway.
 */
export interface TKernelTransport {
  send(channel: 'shell' | 'control', parts: TMessageParts): void;
  /** Called for every message the kernel sends this client, in arrival order. */
  onMessage(handler: (msg: TBenchMessage) => void): void;
  close(): Promise<void>;
}

/** The parsing every Jupyter client does on receipt (both transports call this once per message). */
export function toBenchMessage(channel: TChannel, parts: TMessageParts): TBenchMessage {
  const header = JSON.parse(parts[0].toString('utf8')) as { msg_type: string };
  const parent = JSON.parse(parts[1].toString('utf8')) as { msg_id?: string };
  return { channel, msgType: header.msg_type, parentId: parent.msg_id ?? null, content: JSON.parse(parts[3].toString('utf8')) };
}

/**
 * A client request in wire parts, with the header fields @jupyterlab/services sets. Not the
 * gateway's `buildMessage`: its username marks the gateway's own requests, whose replies
 * the gateway leaves out of its idle/busy tracking, so a client using it would be measured
 * doing less work than a real one.
 */
function clientMessage(msgType: string, content: object, session: string): { msgId: string; parts: TMessageParts } {
  const msgId = randomUUID();
  const header = { msg_id: msgId, msg_type: msgType, session, username: 'bench', date: new Date().toISOString(), version: '5.3' };
  const json = (v: unknown) => Buffer.from(JSON.stringify(v), 'utf8');
  return { msgId, parts: [json(header), json({}), json({}), json(content)] };
}

/** A request's messages until it says it is done (returns true). */
type TRequestHandler = (msg: TBenchMessage) => boolean;

/**
 * Request/reply bookkeeping over a transport: routes each message to the request it answers
 * (by parent msg_id) and resolves when that request is complete.
 */
export class KernelConversation {
  private readonly session = randomUUID();
  private readonly pending = new Map<string, { handle: TRequestHandler; done: () => void }>();
  /** Called for messages that answer no pending request (status from another client, etc.). */
  onStray: (msg: TBenchMessage) => void = () => undefined;

  constructor(readonly transport: TKernelTransport) {
    transport.onMessage((msg) => {
      const entry = msg.parentId ? this.pending.get(msg.parentId) : undefined;
      if (!entry) return this.onStray(msg);
      if (entry.handle(msg)) {
        this.pending.delete(msg.parentId!);
        entry.done();
      }
    });
  }

  /**
   * Sends one request; resolves when `handle` reports it complete, rejects once `timeoutMs`
   * pass with no message for it — a server that dropped the final reply or idle (jupyter_server's
   * iopub rate limit does) ends the run then, however long the output ran before.
   */
  request(channel: 'shell' | 'control', msgType: string, content: object, handle: TRequestHandler, timeoutMs = 120_000): Promise<void> {
    const { msgId, parts } = clientMessage(msgType, content, this.session);
    return new Promise((resolve, reject) => {
      const giveUp = () => {
        this.pending.delete(msgId);
        reject(new Error(`${msgType}: nothing more for ${timeoutMs / 1000} s and no complete answer`));
      };
      const timer = setTimeout(giveUp, timeoutMs);
      this.pending.set(msgId, {
        handle: (msg) => {
          timer.refresh();
          return handle(msg);
        },
        done: () => {
          clearTimeout(timer);
          resolve();
        },
      });
      this.transport.send(channel, parts);
    });
  }

  /** kernel_info_request → kernel_info_reply. */
  kernelInfo(timeoutMs?: number): Promise<void> {
    return this.request('shell', 'kernel_info_request', {}, (m) => m.msgType === 'kernel_info_reply', timeoutMs);
  }

  /**
   * Sends kernel_info_request until an iopub message comes back: a SUB socket joins late,
   * so only then is the iopub subscription known to be live (jupyter_server's nudge).
   */
  async awaitIopub(timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let seen = false;
    const previous = this.onStray;
    this.onStray = (m) => {
      if (m.channel === 'iopub') seen = true;
    };
    try {
      while (!seen) {
        if (Date.now() > deadline) throw new Error('no iopub message within the timeout');
        await this.request('shell', 'kernel_info_request', {}, (m) => {
          if (m.channel === 'iopub') seen = true;
          return m.msgType === 'kernel_info_reply';
        });
        if (!seen) await new Promise((r) => setTimeout(r, 50));
      }
    } finally {
      this.onStray = previous;
    }
  }

  /**
   * Runs a cell; resolves once both its execute_reply and its `status: idle` have arrived
   * (when a notebook marks the cell done). `onIopub` sees every iopub message of the cell.
   */
  async execute(code: string, onIopub: (msg: TBenchMessage) => void = () => undefined, timeoutMs?: number): Promise<void> {
    let replied = false;
    let idle = false;
    let failure: string | null = null;
    const content = { code, silent: false, store_history: true, user_expressions: {}, allow_stdin: false, stop_on_error: true };
    await this.request(
      'shell',
      'execute_request',
      content,
      (m) => {
        if (m.channel === 'shell') {
          if (m.msgType === 'execute_reply') {
            replied = true;
            if (m.content.status !== 'ok') failure = JSON.stringify(m.content);
          }
        } else if (m.channel === 'iopub') {
          onIopub(m);
          if (m.msgType === 'status' && m.content.execution_state === 'idle') idle = true;
        }
        return replied && idle;
      },
      timeoutMs,
    );
    if (failure) throw new Error(`cell failed: ${failure}`);
  }

  close(): Promise<void> {
    return this.transport.close();
  }
}
