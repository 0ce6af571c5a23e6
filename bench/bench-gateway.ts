import { mkdtemp, rm } from 'node:fs/promises';
import path from 'node:path';
import { build } from 'esbuild';
import { newSecret } from '../db/secret-file';
import { ensureGatewayBundle } from '../scripts/build-gateway';
import { freePort } from '../tests/helpers/free-port';
import type { TGatewayEndpoint } from './gateway-client';
import { startChild, type TBenchChild, type TStartingChild } from './processes';

/** The gateway under test: its own process, its own data dir, the bench's database and token. */
export interface TBenchGateway extends TGatewayEndpoint {
  child: TBenchChild;
  /** CPU time (user + system, µs) the gateway process has used so far. */
  cpuMicros(): Promise<number>;
  /** Stops its kernels and the process, removes its data dir. */
  stop(): Promise<void>;
}

/** `gateway-hooks.ts` as one plain ES module, so the gateway process loads no TypeScript loader. */
async function compileHooks(outfile: string): Promise<string> {
  await build({ entryPoints: [path.join(import.meta.dirname, 'gateway-hooks.ts')], bundle: true, platform: 'node', format: 'esm', target: 'node20', outfile, logLevel: 'warning' });
  return outfile;
}

/** Polls `GET /healthz` until the gateway answers; throws if it exits first or takes over 60 s. */
async function serving(url: string, child: TStartingChild): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const exited = child.exitReport();
    if (exited) throw new Error(`the gateway did not start: ${exited}`);
    if ((await fetch(`${url}/healthz`).catch(() => null))?.ok) return;
    if (Date.now() > deadline) throw new Error(`the gateway did not answer ${url}/healthz within 60 s`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * Starts the gateway as `npm start` runs it — `.build/gateway.mjs` (built first if stale, by
 * scripts/build-gateway.ts) under plain node, without source maps — with the benchmark's IPC
 * hooks preloaded and `--expose-gc` for settled memory readings. A free port of 127.0.0.1,
 * default settings apart from database, Python and data dir; its log (pino JSON, level info as
 * in production) goes to `<workDir>/gateway-data-<…>.log`.
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
  const bundle = await ensureGatewayBundle();
  const dataDir = await mkdtemp(path.join(opts.workDir, 'gateway-data-'));
  const hooks = await compileHooks(`${dataDir}-hooks.mjs`);
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const metricsToken = newSecret();
  const child = await startChild(bundle, {
    execArgv: ['--import', hooks],
    env: {
      ...process.env,
      DATABASE_URL: opts.databaseUrl,
      LATTICE_PYTHON: opts.python,
      LATTICE_DATA_DIR: dataDir,
      LATTICE_GATEWAY_HOST: '127.0.0.1',
      LATTICE_GATEWAY_PORT: String(port),
      LATTICE_LOG_LEVEL: 'info',
      LATTICE_LOG_FORMAT: 'json',
      LATTICE_METRICS_TOKEN: metricsToken,
      ...opts.env,
    },
    logFile: `${dataDir}.log`,
    cpuProfDir: opts.cpuProfDir,
    ready: async (starting) => {
      await serving(url, starting);
      return port;
    },
  });
  return {
    url,
    wsUrl: `ws://127.0.0.1:${port}`,
    token: opts.token,
    metricsToken,
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
