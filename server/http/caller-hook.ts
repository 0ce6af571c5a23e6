import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { TDb } from '../../db/client';
import { authenticate, extractToken, type TCaller } from '../auth/caller';

declare module 'fastify' {
  interface FastifyRequest {
    caller?: TCaller;
  }
}

/** Authenticates every request in the plugin scope it is registered in (401 without a valid token). */
export function requireCaller(app: FastifyInstance, db: TDb): void {
  app.addHook('preHandler', async (request) => {
    request.caller = await authenticate(db, extractToken(request.headers.authorization, request.url));
  });
}

/** The caller a `requireCaller` scope established. */
export function callerOf(request: FastifyRequest): TCaller {
  if (!request.caller) throw new Error('route registered outside a requireCaller scope');
  return request.caller;
}
