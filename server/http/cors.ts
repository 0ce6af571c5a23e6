import type { FastifyInstance } from 'fastify';
import { AppError } from '../../common/errors';

/**
 * CORS for the web's origins: the browser's @jupyterlab/services calls the gateway
 * cross-origin with `Authorization: token …`. A request from any other browser origin is
 * refused outright; requests without Origin (non-browser clients) pass.
 */
export function registerCors(app: FastifyInstance, origins: readonly string[]): void {
  const allowed = new Set(origins);
  app.addHook('onRequest', async (request, reply) => {
    const origin = request.headers.origin;
    if (!origin) return;
    if (!allowed.has(origin)) throw new AppError('FORBIDDEN', `Requests from ${origin} are not allowed.`);
    void reply.header('Access-Control-Allow-Origin', origin).header('Vary', 'Origin');
    if (request.method === 'OPTIONS') {
      await reply
        .header('Access-Control-Allow-Methods', 'GET, POST, PATCH, DELETE, OPTIONS')
        .header('Access-Control-Allow-Headers', request.headers['access-control-request-headers'] ?? 'Authorization, Content-Type')
        .header('Access-Control-Max-Age', '600')
        .status(204)
        .send();
    }
  });
}

/**
 * The same Origin rule for websocket upgrades, plus the gateway's own origin (as
 * jupyter_server allows): Python's websocket-client sends `Origin: <the URL's host>`, and no
 * browser page can come from the gateway, which serves no HTML.
 */
export function isOriginAllowed(origin: string | undefined, origins: readonly string[], host?: string): boolean {
  if (!origin || origins.includes(origin)) return true;
  try {
    return host !== undefined && new URL(origin).host === host;
  } catch {
    return false;
  }
}
