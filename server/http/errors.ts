import type { FastifyError, FastifyInstance } from 'fastify';
import { AppError, toErrorBody } from '../../common/errors';

/**
 * The only place HTTP errors become responses: AppError → its status and `{code, message,
 * reason}`; fastify's own client errors (bad JSON, body too large) → BAD_REQUEST; anything
 * else → a logged 500 with a generic message (never a stack trace).
 */
export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError, request, reply) => {
    let error: unknown = err;
    if (!(err instanceof AppError) && err.statusCode && err.statusCode >= 400 && err.statusCode < 500) {
      error = new AppError('BAD_REQUEST', `The request could not be read: ${err.message}`);
    }
    const { status, body } = toErrorBody(error);
    if (status >= 500) request.log.error({ err }, 'request failed');
    void reply.status(status).send(body);
  });
  app.setNotFoundHandler((request, reply) => {
    const { status, body } = toErrorBody(new AppError('NOT_FOUND', `No such endpoint: ${request.method} ${request.url.split('?')[0]}`));
    void reply.status(status).send(body);
  });
}
