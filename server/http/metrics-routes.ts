import type { FastifyInstance } from 'fastify';
import type { GatewayMetrics } from '../metrics/gateway-metrics';

/**
 * `GET /metrics` in the Prometheus text format. Unauthenticated, as scrapers expect: it
 * holds aggregate numbers only (no kernel ids, users or tokens).
 */
export function registerMetricsRoutes(app: FastifyInstance, metrics: GatewayMetrics): void {
  app.get('/metrics', async (_request, reply) => reply.header('content-type', metrics.contentType).send(await metrics.render()));
}
