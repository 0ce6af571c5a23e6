import type { WebSocket } from 'ws';

/** What one websocket may push at the gateway (`LATTICE_WS_MAX_FRAME_MIB`, `LATTICE_WS_MAX_IN_FLIGHT_MIB`). */
export interface TFrameLimits {
  maxFrameBytes: number;
  maxInFlightBytes: number;
}

/** RFC 6455 "message too big". */
export const CLOSE_TOO_BIG = 1009;

const mib = (bytes: number) => `${Math.round(bytes / (1024 * 1024))} MiB`;

/**
 * `ws` refuses a frame over `maxPayload` from its header alone (nothing is buffered) but
 * closes with a bare 1009; clients show the reason, so this gives it one on this socket.
 */
export function explainOversizeClose(ws: WebSocket, maxFrameBytes: number): void {
  const close = ws.close.bind(ws);
  ws.close = (code?: number, reason?: string | Buffer) =>
    close(code, code === CLOSE_TOO_BIG && !reason ? `message larger than the gateway's limit of ${mib(maxFrameBytes)}` : reason);
}

/**
 * Back-pressure towards the kernel: bytes handed to ZeroMQ but not yet taken by it are
 * counted, and past the limit the websocket stops being read (TCP then slows the client)
 * until ZeroMQ has drained below it. One frame may always pass, so a single large message
 * under the frame cap is never stuck.
 */
export class InFlightGate {
  private bytes = 0;
  private paused = false;

  constructor(
    private readonly ws: WebSocket,
    private readonly maxBytes: number,
  ) {}

  track(bytes: number, sent: Promise<void>): void {
    this.bytes += bytes;
    if (this.bytes > this.maxBytes && !this.paused) {
      this.paused = true;
      this.ws.pause();
    }
    void sent.finally(() => {
      this.bytes -= bytes;
      if (this.paused && this.bytes <= this.maxBytes) {
        this.paused = false;
        this.ws.resume();
      }
    });
  }
}
