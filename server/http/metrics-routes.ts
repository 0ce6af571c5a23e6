import type { FastifyInstance } from 'fastify';
import type { GatewayMetrics } from '../metrics/gateway-metrics';
import { PROMETHEUS_CONTENT_TYPE } from '../metrics/prometheus';

/**
 * `GET /metrics` in the Prometheus text format. Unauthenticated, as scrapers expect: it
 * holds aggregate numbers only (no kernel ids, users or tokens).
 */
export function registerMetricsRoutes(app: FastifyInstance, metrics: GatewayMetrics): void {
  app.get('/metrics', async (_request, reply) => reply.header('content-type', PROMETHEUS_CONTENT_TYPE).send(metrics.render()));
}
