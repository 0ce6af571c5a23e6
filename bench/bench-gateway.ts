import { mkdtemp, rm } from 'node:fs/promises';
import path from 'node:path';
import type { TGatewayEndpoint } from './gateway-client';
import { startChild, type TBenchChild } from './processes';

/** The gateway under test: its own process, its own data dir, the bench's database and token. */
export interface TBenchGateway extends TGatewayEndpoint {
  child: TBenchChild;
  /** CPU time (user + system, µs) the gateway process has used so far. */
  cpuMicros(): Promise<number>;
  /** Stops its kernels and the process, removes its data dir. */
  stop(): Promise<void>;
}

/**
 * Starts `gateway-child.ts` (what `npm run gateway` runs) on a free port of 127.0.0.1 with
 * the default settings apart from database, Python and data dir. Its log (pino, level info as
 * in production) goes to `<workDir>/gateway-<n>.log`.
 */
export async function startBenchGateway(opts: {
  databaseUrl: string;
  token: string;
  python: string;
  workDir: string;
  cpuProfDir?: string;
  /** Settings on top of the defaults (e.g. the kubernetes provisioner's). */
  env?: Record<string, string>;
}): Promise<TBenchGateway> {
  const dataDir = await mkdtemp(path.join(opts.workDir, 'gateway-data-'));
  const child = await startChild('gateway-child.ts', {
    env: {
      ...process.env,
      DATABASE_URL: opts.databaseUrl,
      LATTICE_PYTHON: opts.python,
      LATTICE_DATA_DIR: dataDir,
      LATTICE_GATEWAY_HOST: '127.0.0.1',
      LATTICE_GATEWAY_PORT: '0',
      LATTICE_LOG_LEVEL: 'info',
      ...opts.env,
    },
    logFile: `${dataDir}.log`,
    cpuProfDir: opts.cpuProfDir,
  });
  return {
    url: `http://127.0.0.1:${child.port}`,
    wsUrl: `ws://127.0.0.1:${child.port}`,
    token: opts.token,
    child,
    async cpuMicros() {
      const { usage } = await child.ask<{ usage: NodeJS.CpuUsage }>({ type: 'cpu' }, 'cpu');
      return usage.user + usage.system;
    },
    async stop() {
      await child.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
