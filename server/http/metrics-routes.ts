import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError } from '../../common/errors';
import type { GatewayMetrics } from '../metrics/gateway-metrics';

const digest = (value: string) => createHash('sha256').update(value).digest();

/** Whether the request carries `Authorization: Bearer <token>`; compared in constant time. */
function hasScrapeToken(request: FastifyRequest, token: string): boolean {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '');
  return match !== null && timingSafeEqual(digest(match[1]), digest(token));
}

/**
 * `GET /metrics` in the Prometheus text format, for a scraper holding the scrape token
 * (`LATTICE_METRICS_TOKEN`, Prometheus' `authorization: {credentials: …}`): the numbers are
 * aggregates but their labels name the environments users chose. Without a configured token
 * the endpoint does not exist (404 naming the setting), so an unset token never means open
 * and there is nothing to guess at; a wrong or missing one is 401.
 */
export function registerMetricsRoutes(app: FastifyInstance, metrics: GatewayMetrics, token: string | null): void {
  app.get('/metrics', async (request, reply) => {
    if (!token) throw new AppError('NOT_FOUND', 'Metrics are off on this gateway: set LATTICE_METRICS_TOKEN to scrape them.');
    if (!hasScrapeToken(request, token)) {
      reply.header('www-authenticate', 'Bearer realm="lattice-metrics"');
      throw new AppError('UNAUTHENTICATED', 'Scraping metrics needs `Authorization: Bearer <LATTICE_METRICS_TOKEN>`.');
    }
    return reply.header('content-type', metrics.contentType).send(await metrics.render());
  });
}
