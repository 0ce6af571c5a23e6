import path from 'node:path';
import { readOrCreateSecret } from '../db/secret-file';

/**
 * The gateway's scrape token for `GET /metrics`: `LATTICE_METRICS_TOKEN` when given, else
 * generated once and kept in `<data dir>/metrics-token` (0600), where an operator reads it
 * for Prometheus' `authorization: {credentials_file: …}`.
 */
export function metricsToken(dataDir: string, given: string | undefined): string {
  return given || readOrCreateSecret(path.join(dataDir, 'metrics-token'));
}
