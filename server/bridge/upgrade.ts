import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import { WebSocketServer, type WebSocket } from 'ws';
import { z } from 'zod';
import { AppError, toErrorBody } from '../../common/errors';
import type { TDb } from '../../db/client';
import { authenticate, extractToken } from '../auth/caller';
import { mayStopNow } from '../auth/connection-rights';
import { isOriginAllowed } from '../http/cors';
import type { KernelManager } from '../kernels/kernel-manager';
import type { GatewayMetrics } from '../metrics/gateway-metrics';
import { ChannelsSession } from './channels-session';
import { explainOversizeClose, type TFrameLimits } from './frame-limits';
import { OpenConnections } from './open-connections';
import { V1_PROTOCOL } from './ws-serializers';

const CHANNELS_PATH = /^\/api\/kernels\/([0-9a-f-]{36})\/channels\/?$/i;
const ZChannelsQuery = z.looseObject({ session_id: z.string().max(256).optional() });

export interface TChannelsServer {
  /** The websockets open now, for the revocation sweep. */
  connections: OpenConnections;
  close(): void;
}

/** A refusal before the handshake: a plain HTTP response, then the socket is closed. */
function refuse(socket: Duplex, err: unknown): void {
  const { status, body } = toErrorBody(err);
  const json = JSON.stringify(body);
  socket.end(
    `HTTP/1.1 ${status} ${status === 401 ? 'Unauthorized' : status === 403 ? 'Forbidden' : status === 404 ? 'Not Found' : 'Error'}\r\n` +
      `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(json)}\r\nConnection: close\r\n\r\n${json}`,
  );
}

/**
 * `WS /api/kernels/{id}/channels`: authenticate, authorize (a viewer gets no channel) and
 * check Origin in the `upgrade` event, before any handshake; then relay with ping/pong
 * keepalive. Only the v1 subprotocol or none (legacy) is accepted.
 */
export function attachChannels(
  server: Server,
  deps: {
    db: TDb;
    kernels: KernelManager;
    origins: readonly string[];
    pingIntervalMs: number;
    limits: TFrameLimits;
    logger: Logger;
    metrics?: GatewayMetrics;
  },
): TChannelsServer {
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: deps.limits.maxFrameBytes,
    handleProtocols: (protocols) => (protocols.has(V1_PROTOCOL) ? V1_PROTOCOL : false),
  });
  const alive = new WeakMap<WebSocket, boolean>();
  const connections = new OpenConnections();

  const onUpgrade = async (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => undefined);
    try {
      const url = new URL(req.url ?? '/', 'http://gateway.invalid');
      const match = CHANNELS_PATH.exec(url.pathname);
      if (!match) throw new AppError('NOT_FOUND', 'No websocket endpoint here.');
      if (!isOriginAllowed(req.headers.origin, deps.origins, req.headers.host)) throw new AppError('FORBIDDEN', 'This origin may not open kernel channels.');
      const query = ZChannelsQuery.safeParse(Object.fromEntries(url.searchParams));
      if (!query.success) throw new AppError('BAD_REQUEST', 'Invalid session_id.');
      const caller = await authenticate(deps.db, extractToken(req.headers.authorization, req.url));
      const kernel = await deps.kernels.connect(caller, match[1]);
      const key = { tokenId: caller.tokenId, kernel: { projectId: kernel.record.projectId, userId: kernel.record.userId } };
      wss.handleUpgrade(req, socket, head, (ws) => {
        explainOversizeClose(ws, deps.limits.maxFrameBytes);
        alive.set(ws, true);
        ws.on('pong', () => alive.set(ws, true));
        const logger = deps.logger.child({ kernelId: kernel.record.id, userId: caller.userId, sessionId: query.data.session_id });
        const session = new ChannelsSession(ws, kernel, ws.protocol === V1_PROTOCOL ? 'v1' : 'legacy', logger, {
          mayStop: () => mayStopNow(deps.db, key),
          restart: async () => void (await deps.kernels.restart(caller, kernel.record.id)),
          limits: deps.limits,
          sessionId: query.data.session_id,
          metrics: deps.metrics,
        });
        const forget = connections.add({ ...key, end: (code, reason) => session.end(code, reason) });
        ws.on('close', forget);
      });
    } catch (err) {
      if (!(err instanceof AppError)) deps.logger.error({ err }, 'websocket upgrade failed');
      refuse(socket, err);
    }
  };
  const listener = (req: IncomingMessage, socket: Duplex, head: Buffer) => void onUpgrade(req, socket, head);
  server.on('upgrade', listener);

  // A client that misses a whole ping round is gone; terminate frees its sockets.
  const pinger = setInterval(() => {
    for (const ws of wss.clients) {
      if (!alive.get(ws)) {
        ws.terminate();
        continue;
      }
      alive.set(ws, false);
      ws.ping();
    }
  }, deps.pingIntervalMs);
  pinger.unref();

  return {
    connections,
    close() {
      clearInterval(pinger);
      server.off('upgrade', listener);
      for (const ws of wss.clients) ws.close(1001, 'gateway shutting down');
      wss.close();
    },
  };
}
