import * as zmq from 'zeromq';
import { channelEndpoint, type TConnectionInfo } from './connection-info';
import type { TChannel } from './messages';
import { decodeWire, encodeWire, type TWireMessage } from './wire';

// Every kernel holds 3 sockets and every open notebook 3 more: libzmq's default of 1,023
// sockets per context capped a gateway at about 340 kernels (bench: Kubernetes scale).
// File descriptors remain the real bound (see the open-files note in server/README.md).
zmq.context.maxSockets = zmq.context.maxSocketsLimit;

/**
 * Reconnect back-off towards a kernel that is not listening yet (starting) or gone: without a
 * ceiling libzmq retries every 100 ms forever, which with hundreds of kernels starting at
 * once is CPU spent on nothing. One second keeps a restarted kernel's reconnect prompt.
 */
const RECONNECT = { reconnectInterval: 100, reconnectMaxInterval: 1000 } as const;

/**
 * Messages a client's DEALER queues towards a kernel that is not taking them. libzmq's
 * default (1000) would let one websocket park gigabytes in the gateway; past this many,
 * `send` waits, which the websocket session turns into back-pressure on its client.
 */
const CLIENT_SEND_HWM = 8;

export interface TKernelSocketHandlers {
  /** A verified message from the kernel. */
  onMessage(msg: TWireMessage): void;
  /** A message whose signature did not verify; it has been dropped. */
  onRejected(err: Error): void;
}

/**
 * One ZeroMQ socket to one kernel channel: DEALER for shell/control/stdin, SUB for iopub.
 * Verifies every received message's HMAC, signs every sent one, and serializes sends
 * (zeromq.js allows one send in flight per socket). Reconnects by itself when the kernel
 * restarts on the same ports.
 */
export class KernelSocket {
  private readonly socket: zmq.Dealer | zmq.Subscriber;
  private readonly key: Buffer;
  private sending: Promise<void> = Promise.resolve();
  private closed = false;

  constructor(
    conn: TConnectionInfo,
    readonly channel: TChannel,
    handlers: TKernelSocketHandlers,
    routingId?: string,
  ) {
    this.key = Buffer.from(conn.key, 'utf8');
    if (channel === 'iopub') {
      // No receive high-water mark: at the default (1000) a JS thread stalled for about a
      // second (GC, CPU contention) lets the kernel's PUB drop output silently, even the
      // final `status: idle`. libzmq's I/O thread now queues everything until we read it.
      const sub = new zmq.Subscriber({ linger: 0, receiveHighWaterMark: 0, ...RECONNECT });
      sub.subscribe();
      this.socket = sub;
    } else {
      this.socket = new zmq.Dealer({ linger: 0, ...RECONNECT, ...(routingId ? { routingId, sendHighWaterMark: CLIENT_SEND_HWM } : {}) });
    }
    this.socket.connect(channelEndpoint(conn, channel));
    void this.receiveLoop(handlers);
  }

  private async receiveLoop(handlers: TKernelSocketHandlers): Promise<void> {
    try {
      for await (const frames of this.socket) {
        let msg: TWireMessage;
        try {
          msg = decodeWire(this.key, frames);
        } catch (err) {
          handlers.onRejected(err as Error);
          continue;
        }
        handlers.onMessage(msg);
      }
    } catch (err) {
      if (!this.closed) handlers.onRejected(err as Error);
    }
  }

  /**
   * Signs and queues a message; a DEALER holds it until the kernel is reachable. Resolves
   * once ZeroMQ has taken it (or it was dropped), so callers can apply back-pressure.
   */
  send(msg: TWireMessage): Promise<void> {
    if (this.closed || !(this.socket instanceof zmq.Dealer)) return Promise.resolve();
    const socket = this.socket;
    const frames = encodeWire(this.key, msg);
    this.sending = this.sending.then(() => socket.send(frames)).catch(() => undefined);
    return this.sending;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.socket.close();
  }
}
