import { randomUUID } from 'node:crypto';
import type { TConnectionInfo } from '../zmq/connection-info';
import { KernelSocket } from '../zmq/kernel-socket';
import type { TChannel } from '../zmq/messages';
import type { TWireMessage } from '../zmq/wire';

export type TClientChannel = Extract<TChannel, 'shell' | 'control' | 'stdin'>;
const CLIENT_SOCKETS: readonly TClientChannel[] = ['shell', 'control', 'stdin'];

export interface TClientChannelHandlers {
  /** A verified message from the kernel for this client. */
  onMessage(channel: TClientChannel, msg: TWireMessage): void;
  /** A message that failed verification and was dropped. */
  onRejected(channel: TClientChannel, err: Error): void;
}

/**
 * One client's shell, control and stdin sockets to a kernel: DEALERs sharing one routing id,
 * so the kernel's replies and input requests come back to this client and no other. Made and
 * owned by the kernel's `ManagedKernel` (which moves them when the kernel's address changes
 * and closes them when it goes); the client only sends and lets go.
 */
export class ClientChannels {
  private readonly routingId = randomUUID();
  private sockets: Map<TClientChannel, KernelSocket>;
  private closed = false;

  constructor(
    conn: TConnectionInfo,
    private readonly handlers: TClientChannelHandlers,
    private readonly onClose: (self: ClientChannels) => void,
  ) {
    this.sockets = this.open(conn);
  }

  private open(conn: TConnectionInfo): Map<TClientChannel, KernelSocket> {
    return new Map(
      CLIENT_SOCKETS.map((channel) => [
        channel,
        new KernelSocket(
          conn,
          channel,
          { onMessage: (msg) => this.handlers.onMessage(channel, msg), onRejected: (err) => this.handlers.onRejected(channel, err) },
          this.routingId,
        ),
      ]),
    );
  }

  /** Resolves once ZeroMQ has taken the message (see `KernelSocket.send`). */
  send(channel: TClientChannel, msg: TWireMessage): Promise<void> {
    return this.sockets.get(channel)?.send(msg) ?? Promise.resolve();
  }

  /** The kernel's owner moved it (a restarted pod has a new address); the routing id stays. */
  moveTo(conn: TConnectionInfo): void {
    if (this.closed) return;
    for (const socket of this.sockets.values()) socket.close();
    this.sockets = this.open(conn);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const socket of this.sockets.values()) socket.close();
    this.onClose(this);
  }
}
