import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { APP_ROLE, ensureAppRole, urlAsRole } from '../db/app-role';
import { connectDb } from '../db/client';
import { ensureDatabase, ensureSuperuserPassword, startEmbeddedPostgres, superuserUrl } from '../db/embedded-postgres';
import { runMigrations } from '../db/migrate';
import { readOrCreateSecret, secureDataDir } from '../db/secret-file';
import { seedAdmin, seedDefaultEnvironment } from '../db/seed';
import { ensureFrames } from './build-frames';
import { ensureGatewayBundle } from './build-gateway';
import { gatewayChildEnv, helperChildEnv, webChildEnv } from './child-env';
import { metricsToken } from './metrics-token';
import { newestMtime } from './newest-mtime';
import { readStartConfig, ROOT, type TStartConfig } from './start-config';
import { ProcessSupervisor, stopChild } from './supervisor';

type TLog = (line: string) => void;

function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port, timeout: 1500 });
    const done = (up: boolean) => {
      socket.destroy();
      resolve(up);
    };
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
    socket.once('timeout', () => done(false));
  });
}

export interface TResolvedDatabase {
  /** What the web and the gateway connect with: on the embedded Postgres, the non-superuser application role. */
  url: string;
  /** What migrations and seeding run as: the tables' owner (the embedded superuser, or LATTICE_MIGRATION_DATABASE_URL). */
  ownerUrl: string;
  embedded: boolean;
  stop(): Promise<void>;
}

/** Where the application role's password is kept (0600), beside the cluster's superuser password. */
export function appPasswordFile(dataDir: string): string {
  return path.join(dataDir, 'postgres-app-password');
}

/**
 * The database to use: DATABASE_URL (with LATTICE_MIGRATION_DATABASE_URL, if set, as the
 * owner), else the embedded Postgres in the data directory — reused if it is already
 * running (another `npm start` or CLI), started otherwise. On the embedded Postgres the
 * web and the gateway get the application role ({@link ensureAppRole}); the superuser's
 * URL is for migrations only.
 */
export async function resolveDatabaseUrl(log: TLog = () => undefined, config: TStartConfig = readStartConfig()): Promise<TResolvedDatabase> {
  if (config.DATABASE_URL) {
    return { url: config.DATABASE_URL, ownerUrl: config.LATTICE_MIGRATION_DATABASE_URL ?? config.DATABASE_URL, embedded: false, stop: async () => undefined };
  }
  secureDataDir(config.LATTICE_DATA_DIR);
  const dataDir = path.join(config.LATTICE_DATA_DIR, 'postgres');
  const port = config.LATTICE_PG_PORT;
  let stop: () => Promise<void> = async () => undefined;
  let ownerUrl: string;
  if (await listening(port)) {
    ownerUrl = superuserUrl(port, await ensureSuperuserPassword(port, dataDir, log), 'lattice');
  } else {
    log(`Starting the embedded Postgres (data in ${dataDir}, port ${port})…`);
    const server = await startEmbeddedPostgres({ dataDir, port, onNotice: log });
    ownerUrl = server.urlFor('lattice');
    stop = () => server.stop();
  }
  try {
    await ensureDatabase(ownerUrl.replace(/\/lattice$/, '/postgres'), 'lattice');
    const role = { name: APP_ROLE, password: readOrCreateSecret(appPasswordFile(config.LATTICE_DATA_DIR)) };
    await ensureAppRole(ownerUrl, role);
    return { url: urlAsRole(ownerUrl, role), ownerUrl, embedded: true, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/**
 * Migrations, the default environment and — when there is no user yet — the first admin.
 * `url` is the owner's (migrations create tables).
 */
export async function prepareDatabase(url: string, admin: { email: string; password?: string }) {
  const handle = connectDb(url, 2);
  try {
    await runMigrations(handle.db);
    await seedDefaultEnvironment(handle.db);
    return await seedAdmin(handle.db, admin);
  } finally {
    await handle.close();
  }
}

/** The session secret: given, or generated once and kept in the data directory (0600). */
export function sessionSecret(dataDir: string, given?: string): string {
  if (given) return given;
  return readOrCreateSecret(path.join(dataDir, 'nextauth-secret'));
}

/** Runs `next build` when there is no build or a web source is newer than it. */
export function buildWebIfNeeded(log: TLog): void {
  const buildId = path.join(ROOT, '.next', 'BUILD_ID');
  const sources = ['app', 'components', 'lib', 'common', 'db'].map((d) => path.join(ROOT, d)).filter(existsSync);
  const stale = !existsSync(buildId) || Math.max(...sources.map(newestMtime)) > statSync(buildId).mtimeMs;
  if (!stale) return;
  log('Building the web app (only when its sources changed; takes a minute or two)…');
  const result = spawnSync(process.execPath, [path.join(ROOT, 'node_modules/next/dist/bin/next'), 'build'], {
    cwd: ROOT,
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { ...helperChildEnv(process.env), NEXT_TELEMETRY_DISABLED: '1' },
  });
  if (result.status !== 0) throw new Error('`next build` failed; see its output above.');
}

async function waitForHttp(url: string, child: ChildProcess, what: string, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${what} exited (code ${child.exitCode}) before it was ready`);
    try {
      const res = await fetch(url, { redirect: 'manual' });
      if (res.status < 500) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${what} did not answer at ${url} within ${timeoutMs / 1000} s`);
}

export interface TPlatformOptions {
  /** What the web and the gateway connect with. */
  databaseUrl: string;
  /** What migrations and seeding run as (the tables' owner); default `databaseUrl`. */
  ownerDatabaseUrl?: string;
  dataDir: string;
  host?: string;
  webPort: number;
  gatewayPort: number;
  adminEmail: string;
  adminPassword?: string;
  python?: string;
  sessionSecret?: string;
  /** The gateway's scrape token (LATTICE_METRICS_TOKEN); default: generated once into the data directory. */
  metricsToken?: string;
  /** `next dev` instead of a production build. */
  dev?: boolean;
  /** Extra environment for the gateway (tests shorten timeouts with it). */
  gatewayEnv?: Record<string, string>;
  log?: TLog;
  /** Where the children's output goes: 'inherit' (npm start) or 'ignore'/'pipe'. */
  stdio?: 'inherit' | 'ignore';
  /** Aborted (Ctrl-C while still starting): what was started is stopped, nothing more starts, and the call rejects. */
  signal?: AbortSignal;
}

export interface TPlatform {
  webUrl: string;
  gatewayUrl: string;
  admin: Awaited<ReturnType<typeof prepareDatabase>>;
  /** Process ids of the two children (tests read their environment); the gateway's changes when it is restarted. */
  pids: { web: number; readonly gateway: number };
  stop(): Promise<void>;
}

/**
 * The gateway bundle (built first if stale) under plain node, restarted with back-off whenever
 * it exits until `stop()`: a gateway killed by the OOM killer or `kill -9` comes back and
 * reattaches the kernels that kept running. `settings` are the gateway's variables.
 */
export async function superviseGateway(opts: { settings: Record<string, string>; stdio: 'inherit' | 'ignore'; log: TLog }): Promise<ProcessSupervisor> {
  const bundle = await ensureGatewayBundle(opts.log);
  const env = gatewayChildEnv(process.env, opts.settings);
  return new ProcessSupervisor({
    name: 'gateway',
    // Without --enable-source-maps: it keeps the bundle's 9 MB source map parsed, +44 MiB of RSS
    // measured on an idle gateway (156 against 112 MiB). NODE_OPTIONS=--enable-source-maps turns it on
    // when a stack trace must name TypeScript lines (.build/gateway.mjs.map is written beside the bundle).
    start: () => spawn(process.execPath, [bundle], { cwd: ROOT, stdio: ['ignore', opts.stdio, opts.stdio], env }),
    log: opts.log,
  });
}

/**
 * Migrates and seeds the database, then runs the gateway and the web on 127.0.0.1 (or
 * `host`) until `stop()`. Used by `npm start` and by the end-to-end tests.
 */
export async function startPlatform(opts: TPlatformOptions): Promise<TPlatform> {
  const log = opts.log ?? (() => undefined);
  const host = opts.host ?? '127.0.0.1';
  const admin = await prepareDatabase(opts.ownerDatabaseUrl ?? opts.databaseUrl, { email: opts.adminEmail, password: opts.adminPassword });
  await ensureFrames(log);
  if (!opts.dev) buildWebIfNeeded(log);
  opts.signal?.throwIfAborted();
  const browserHost = host === '0.0.0.0' || host === '127.0.0.1' ? 'localhost' : host;
  const webOrigins = [`http://localhost:${opts.webPort}`, `http://127.0.0.1:${opts.webPort}`, `http://${browserHost}:${opts.webPort}`];
  const common = { DATABASE_URL: opts.databaseUrl, LATTICE_DATA_DIR: opts.dataDir, NEXT_TELEMETRY_DISABLED: '1' };
  const stdio = opts.stdio ?? 'ignore';

  const gateway = await superviseGateway({
    settings: {
      ...common,
      LATTICE_GATEWAY_HOST: host,
      LATTICE_GATEWAY_PORT: String(opts.gatewayPort),
      LATTICE_WEB_ORIGINS: [...new Set(webOrigins)].join(','),
      LATTICE_METRICS_TOKEN: metricsToken(opts.dataDir, opts.metricsToken),
      ...(opts.python ? { LATTICE_PYTHON: opts.python } : {}),
      ...opts.gatewayEnv,
    },
    stdio,
    log,
  });
  const web = spawn(
    process.execPath,
    [path.join(ROOT, 'node_modules/next/dist/bin/next'), opts.dev ? 'dev' : 'start', '-p', String(opts.webPort), '-H', host],
    {
      cwd: ROOT,
      stdio: ['ignore', stdio, stdio],
      env: webChildEnv(process.env, {
        ...common,
        NEXTAUTH_SECRET: sessionSecret(opts.dataDir, opts.sessionSecret),
        NEXTAUTH_URL: `http://${browserHost}:${opts.webPort}`,
        LATTICE_GATEWAY_PORT: String(opts.gatewayPort),
        // The sign-in throttle's only source of the TCP peer address (see the preload's comment).
        NODE_OPTIONS: [process.env.NODE_OPTIONS, `--import=${pathToFileURL(path.join(ROOT, 'scripts/peer-address-preload.mjs')).href}`].filter(Boolean).join(' '),
      }),
    },
  );
  const stop = async () => {
    await Promise.all([stopChild(web), gateway.stop()]);
  };
  // Without this, a gateway that exits on the terminal's SIGINT would be restarted while the web is still starting.
  opts.signal?.addEventListener('abort', () => void stop(), { once: true });
  const localHost = host === '0.0.0.0' ? '127.0.0.1' : host;
  try {
    await Promise.all([
      // The first start must succeed: a gateway that cannot start (bad setting, no sandbox) is reported, not retried.
      waitForHttp(`http://${localHost}:${opts.gatewayPort}/healthz`, gateway.child, 'The gateway'),
      waitForHttp(`http://${localHost}:${opts.webPort}/signin`, web, 'The web app', opts.dev ? 300_000 : 120_000),
    ]);
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    webUrl: `http://${browserHost}:${opts.webPort}`,
    gatewayUrl: `http://${browserHost}:${opts.gatewayPort}`,
    admin,
    pids: {
      web: web.pid!,
      get gateway() {
        return gateway.child.pid!;
      },
    },
    stop,
  };
}
