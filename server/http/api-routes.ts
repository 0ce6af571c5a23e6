import type { FastifyInstance } from 'fastify';

/**
 * The Jupyter server API version clients check (@jupyterlab/services, jupyter_server's
 * gateway client); the kernel API here follows jupyter_server 2.x.
 */
export const JUPYTER_API_VERSION = '2.14.0';

export function registerApiRoutes(app: FastifyInstance): void {
  app.get('/api', async () => ({ version: JUPYTER_API_VERSION }));
  app.get('/healthz', async () => ({ status: 'ok' }));
}
