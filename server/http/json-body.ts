import type { FastifyInstance } from 'fastify';

/**
 * Request bodies are JSON whatever their content type, as jupyter_server reads them:
 * @jupyterlab/services posts JSON as `text/plain` (fetch's default for a string body) and
 * POSTs interrupt/restart with no body at all.
 */
export function registerJsonBodies(app: FastifyInstance): void {
  app.removeContentTypeParser(['application/json', 'text/plain']);
  app.addContentTypeParser(['application/json', 'text/plain'], { parseAs: 'string' }, (_req, body, done) => {
    try {
      done(null, body === '' ? {} : JSON.parse(body as string));
    } catch (err) {
      done(Object.assign(err as Error, { statusCode: 400 }), undefined);
    }
  });
}
