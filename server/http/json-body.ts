import type { FastifyInstance } from 'fastify';
import { AppError } from '../../common/errors';

/**
 * Request bodies are JSON whatever their content type, or without one, as jupyter_server and
 * Enterprise Gateway read them (tornado's handlers decode `request.body` without looking at
 * the header): @jupyterlab/services posts JSON as `text/plain` (fetch's default for a string
 * body), Enterprise Gateway's own client posts it with no Content-Type at all (`requests` with
 * a string body), and interrupt/restart come with no body. A body that is not JSON is a 400
 * saying so, never "Unsupported Media Type".
 */
export function registerJsonBodies(app: FastifyInstance): void {
  app.removeAllContentTypeParsers();
  // '*' is fastify's catch-all: every content type, and requests that have a body but no Content-Type.
  app.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => {
    const text = (body as string).trim();
    try {
      done(null, text === '' ? {} : JSON.parse(text));
    } catch (err) {
      done(new AppError('BAD_REQUEST', `The request body is not valid JSON (${(err as Error).message}); send a JSON object such as {"name": "python3"}.`), undefined);
    }
  });
}
