import { LogController, type FastifyReply, type FastifyRequest } from 'fastify';

/** The URL without its query: `?token=` must never reach a log line. */
export function redactUrl(url: string): string {
  return url.split('?')[0];
}

/** What a request contributes to a log line (fastify's default would include the query and headers). */
export const requestSerializers = {
  req: (req: { method: string; url: string; id: string }) => ({ method: req.method, url: redactUrl(req.url), id: req.id }),
};

/**
 * Fastify's per-request lines at debug instead of info: a notebook polls and streams all
 * day, and at info they buried the lines an operator reads (start-up, kernel lifecycle,
 * warnings). Failed requests keep fastify's own levels.
 */
export class RequestLogController extends LogController {
  override incomingRequest(request: FastifyRequest): void {
    if (this.isLogDisabled(request)) return;
    request.log.debug({ req: request }, 'incoming request');
  }

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    if (error) return super.requestCompleted(error, request, reply);
    if (this.isLogDisabled(request)) return;
    reply.log.debug({ res: reply, responseTime: reply.elapsedTime }, 'request completed');
  }
}
