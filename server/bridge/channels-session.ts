import type { Logger } from 'pino';
import { WebSocket, type RawData } from 'ws';
import { isTerminal } from '../../common/kernel-states';
import type { GatewayMetrics } from '../metrics/gateway-metrics';
import type { ManagedKernel, TKernelEnd, TKernelListener } from '../kernels/managed-kernel';
import type { ClientChannels, TClientChannel } from '../kernels/client-channels';
import { MalformedFrameError, parseHeader, type TChannel, type TMessageHeader } from '../zmq/messages';
import { isClientChannel, type TRelayMessage } from './relay-message';
import type { TWireMessage } from '../zmq/wire';
import { decodeLegacy, decodeV1, encodeLegacy, encodeV1 } from './ws-serializers';
import { InFlightGate, type TFrameLimits } from './frame-limits';
import { shutdownKind, shutdownReply, stopRefusedContent } from './shutdown-guard';

export type TWsProtocol = 'v1' | 'legacy';

/**
 * What a session needs beyond its socket: whether the caller may stop this kernel (asked at
 * each `shutdown_request`, by the DELETE rule and the caller's current role), how to restart
 * it as `POST …/restart` does, the in-flight limit, the client's `session_id` (for replay)
 * and metrics.
 */
export interface TSessionOptions {
  mayStop: () => Promise<boolean>;
  restart: () => Promise<void>;
  limits: TFrameLimits;
  sessionId?: string;
  metrics?: GatewayMetrics;
}

/** Close code for a frame the gateway cannot read (RFC 6455: inconsistent data). */
export const CLOSE_MALFORMED = 1007;

function toBuffer(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  return Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);
}

/**
 * One websocket ↔ one kernel. Shell, control and stdin get this session's own DEALER
 * sockets (one routing id, so the kernel's replies and input requests come back here and
 * nowhere else); iopub is the kernel's shared subscription, fanned out to every session.
 */
export class ChannelsSession implements TKernelListener {
  /** This session's own shell, control and stdin sockets, owned by the kernel. */
  private readonly sockets: ClientChannels;
  private closed = false;
  private pending: Promise<void> | null = null;
  /** The last iopub message (replay sequence number) handed to this websocket. */
  private sentSeq = 0;
  private readonly inFlight: InFlightGate;

  constructor(
    private readonly ws: WebSocket,
    private readonly kernel: ManagedKernel,
    private readonly protocol: TWsProtocol,
    private readonly logger: Logger,
    private readonly opts: TSessionOptions,
  ) {
    this.inFlight = new InFlightGate(ws, opts.limits.maxInFlightBytes);
    this.sockets = kernel.openClientChannels({
      onMessage: (channel, msg) => this.toClient(channel, msg),
      onRejected: (channel, err) => this.logger.warn({ channel, err: err.message }, 'dropped kernel message'),
    });
    opts.metrics?.wsConnections.inc();
    // A session back under the same session_id first gets what it missed, then the live feed.
    const missed = kernel.iopubReplay.join(opts.sessionId);
    for (const msg of missed) this.toClient('iopub', msg);
    this.sentSeq = kernel.iopubReplay.lastSeq;
    if (missed.length) this.logger.info({ replayed: missed.length }, 'replayed missed iopub messages');
    kernel.addListener(this);
    ws.on('message', (data, isBinary) => this.fromClient(data, isBinary));
    ws.on('close', () => this.dispose());
    ws.on('error', (err) => this.logger.warn({ err: err.message }, 'websocket error'));
    this.logger.info({ protocol }, 'websocket connected');
  }

  private fromClient(data: RawData, isBinary: boolean): void {
    if (this.closed) return;
    const frame = toBuffer(data);
    let msg: TRelayMessage;
    let channel: TClientChannel;
    let header: TMessageHeader;
    try {
      if (this.protocol === 'v1' && !isBinary) throw new MalformedFrameError('text frame on the v1 protocol');
      msg = this.protocol === 'v1' ? decodeV1(frame) : decodeLegacy(isBinary ? frame : frame.toString('utf8'), isBinary);
      if (!isClientChannel(msg.channel)) throw new MalformedFrameError(`clients may not send on ${msg.channel}`);
      channel = msg.channel;
      header = parseHeader(msg.parts[0]);
    } catch (err) {
      const reason = err instanceof MalformedFrameError ? err.message : 'unreadable frame';
      this.logger.warn({ reason }, 'malformed websocket frame; closing this socket');
      this.ws.close(CLOSE_MALFORMED, 'malformed message');
      this.dispose();
      return;
    }
    const shutdown = shutdownKind(header, msg.parts[3]);
    if (shutdown === 'restart') {
      void this.restartFor(channel, { header, headerPart: msg.parts[0] });
      return;
    }
    if (shutdown === 'stop') {
      this.inOrder(() => this.stopFor(channel, header, msg, frame.length));
      return;
    }
    this.inOrder(() => this.toKernel(channel, msg, frame.length));
  }

  /**
   * Runs `step` once every earlier step is done: a `shutdown_request` waits for a database
   * check, and what the client sent after it must still reach the kernel after it.
   */
  private inOrder(step: () => void | Promise<void>): void {
    const run = this.pending ? this.pending.then(step) : step();
    if (!run) return;
    const chained: Promise<void> = run
      .catch((err) => this.logger.warn({ err: (err as Error).message }, 'could not relay a client message'))
      .finally(() => {
        if (this.pending === chained) this.pending = null;
      });
    this.pending = chained;
  }

  private toKernel(channel: TClientChannel, msg: TRelayMessage, bytes: number): void {
    if (this.closed) return;
    this.kernel.touch();
    this.opts.metrics?.relayed('to_kernel', channel, bytes);
    this.inFlight.track(bytes, this.sockets.send(channel, { parts: msg.parts, buffers: msg.buffers }));
  }

  /**
   * `shutdown_request` (stop): forwarded only if the caller may stop the kernel now; a member
   * demoted since connecting has lost the right. A check that fails refuses, the safe side.
   */
  private async stopFor(channel: TClientChannel, header: TMessageHeader, msg: TRelayMessage, bytes: number): Promise<void> {
    const allowed = await this.opts.mayStop().catch((err) => {
      this.logger.warn({ err: (err as Error).message }, 'could not check the right to stop this kernel');
      return false;
    });
    if (this.closed) return;
    if (allowed) {
      this.toKernel(channel, msg, bytes);
      return;
    }
    this.logger.warn({ channel, msgId: header.msg_id }, 'refused a shutdown_request from a caller who may not stop this kernel');
    this.toClient(channel, shutdownReply({ header, headerPart: msg.parts[0] }, stopRefusedContent()));
  }

  /**
   * `shutdown_request {restart: true}`: ipykernel answers it by exiting and leaves the restart
   * to its manager, so forwarding it would stop the kernel. The gateway restarts it as
   * `POST …/restart` does (editors may) and replies as the kernel would have.
   */
  private async restartFor(channel: TClientChannel, request: { header: TMessageHeader; headerPart: Buffer }): Promise<void> {
    try {
      await this.opts.restart();
      this.toClient(channel, shutdownReply(request, { status: 'ok', restart: true }));
    } catch (err) {
      const evalue = (err as Error).message;
      this.logger.warn({ err: evalue }, 'restart asked over the websocket failed');
      this.toClient(channel, shutdownReply(request, { status: 'error', ename: 'RestartFailed', evalue, traceback: [], restart: true }));
    }
  }

  /** True when the message was handed to the websocket. */
  private toClient(channel: TChannel, msg: TWireMessage): boolean {
    if (this.closed || this.ws.readyState !== WebSocket.OPEN) return false;
    const relay = { channel, parts: msg.parts, buffers: msg.buffers };
    try {
      const frame = this.protocol === 'v1' ? encodeV1(relay) : encodeLegacy(relay);
      this.ws.send(frame);
      this.opts.metrics?.relayed('to_client', channel, typeof frame === 'string' ? Buffer.byteLength(frame) : frame.length);
      return true;
    } catch (err) {
      this.logger.warn({ channel, err: (err as Error).message }, 'dropped a kernel message the client could not be sent');
      return false;
    }
  }

  onIopub(msg: TWireMessage): void {
    if (this.toClient('iopub', msg)) this.sentSeq = this.kernel.iopubReplay.lastSeq;
  }

  /**
   * Closes with the kernel's end as the reason (`kernel dead: oom-killed`), which clients can
   * show; a kernel the gateway merely let go of (it is exiting) gets 1001 so clients reconnect.
   */
  onKernelGone(end: TKernelEnd): void {
    const ended = isTerminal(end.state);
    const reason = ended ? `kernel ${end.state}${end.reason ? `: ${end.reason}` : ''}` : 'gateway going away';
    if (this.ws.readyState === WebSocket.OPEN) this.ws.close(ended ? 1000 : 1001, reason);
    this.dispose();
  }

  /** Ends the session from the gateway's side (revocation-sweep.ts): a close code and reason the client can show. */
  end(code: number, reason: string): void {
    if (this.ws.readyState === WebSocket.OPEN) this.ws.close(code, reason);
    this.dispose();
  }

  private dispose(): void {
    if (this.closed) return;
    this.closed = true;
    this.sockets.close();
    this.kernel.removeListener(this);
    this.kernel.iopubReplay.leave(this.opts.sessionId, this.sentSeq);
    this.opts.metrics?.wsConnections.dec();
    this.logger.info('websocket disconnected');
  }
}
