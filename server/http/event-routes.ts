import type { ServerResponse } from 'node:http';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { fromZodIssues } from '../../common/errors';
import type { TKernelEvent } from '../../common/kernel-model';
import type { TDb } from '../../db/client';
import { authenticate, extractToken, type TCaller } from '../auth/caller';
import type { KernelEventBus } from '../kernels/kernel-event-bus';
import { visibleProjectIds } from '../kernels/visibility';
import { callerOf } from './caller-hook';

const ZEventsQuery = z.looseObject({ project: z.uuid().optional() });

/** A stream whose client reads slower than this much buffered output is ended (it reconnects). */
const MAX_BUFFERED_BYTES = 1024 * 1024;

export interface TEventStreams {
  /** Open `GET /api/events` streams. */
  readonly count: number;
  /** Ends every stream (gateway shutdown: hijacked responses would keep the server open). */
  closeAll(): void;
}

/**
 * `GET /api/events`: server-sent events, one `data:` JSON line per kernel state change in
 * the projects the caller may view (`?project=` narrows to one), a comment line as heartbeat.
 * Auth is the usual token, also as `?token=` since EventSource cannot set headers. Who may
 * see what is re-read at every heartbeat, so a removed member or revoked token stops hearing.
 */
export function registerEventRoutes(app: FastifyInstance, deps: { db: TDb; events: KernelEventBus; heartbeatMs: number }): TEventStreams {
  const streams = new Set<ServerResponse>();

  app.get('/api/events', async (request, reply) => {
    const parsed = ZEventsQuery.safeParse(request.query ?? {});
    if (!parsed.success) throw fromZodIssues(parsed.error.issues, 'query');
    const only = parsed.data.project;
    const token = extractToken(request.headers.authorization, request.url);
    let caller: TCaller = callerOf(request);
    let visible = await visibleProjectIds(deps.db, caller);

    // Headers set so far (CORS) go out with the hijacked response.
    const headers = { ...reply.getHeaders() } as Record<string, string>;
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, {
      ...headers,
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    res.write('retry: 3000\n: connected\n\n');
    streams.add(res);

    const mayView = (projectId: string) => (only === undefined || projectId === only) && (visible === 'all' || visible.includes(projectId));
    const write = (chunk: string) => {
      if (res.writableLength > MAX_BUFFERED_BYTES) {
        request.log.warn('event stream client too slow; closing it');
        end();
        return;
      }
      res.write(chunk);
    };
    const unsubscribe = deps.events.subscribe((event: TKernelEvent) => {
      if (mayView(event.projectId)) write(`data: ${JSON.stringify(event)}\n\n`);
    });
    const heartbeat = setInterval(() => {
      void (async () => {
        try {
          caller = await authenticate(deps.db, token);
          visible = await visibleProjectIds(deps.db, caller);
        } catch {
          end();
          return;
        }
        write(': heartbeat\n\n');
      })();
    }, deps.heartbeatMs);
    heartbeat.unref();

    let ended = false;
    function end(): void {
      if (ended) return;
      ended = true;
      clearInterval(heartbeat);
      unsubscribe();
      streams.delete(res);
      if (!res.writableEnded) res.end();
    }
    request.raw.on('close', end);
    res.on('close', end);
    res.on('error', end);
  });

  return {
    get count() {
      return streams.size;
    },
    closeAll() {
      for (const res of [...streams]) res.end();
      streams.clear();
    },
  };
}
