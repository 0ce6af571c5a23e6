import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { dropAppRole, ensureAppRole, urlAsRole } from '../../db/app-role';
import { connectDb, type TDbHandle } from '../../db/client';
import { startEmbeddedPostgres, type TEmbeddedPostgres } from '../../db/embedded-postgres';
import { runMigrations } from '../../db/migrate';
import { seedDefaultEnvironment } from '../../db/seed';

/**
 * Real Postgres for tests. `npm test` starts one embedded cluster and passes its admin URL
 * in LATTICE_TEST_PG_URL; a test file run on its own starts a private cluster instead.
 * Every call gets a fresh database, migrated by its owner (the superuser), with the default
 * environment seeded, and its own application role made as `npm start` makes `lattice_app`
 * (db/app-role.ts). `db`, `pool` and `url` connect as that role, so every test that runs
 * the web's functions or a gateway also proves the role has the rights they need.
 */
export interface TTestDatabase extends TDbHandle {
  /** The application role's URL: what the web and the gateway are given. */
  url: string;
  /** The owner's (superuser's) URL of the same database, for the few tests that need more than the application's rights. */
  ownerUrl: string;
  /** Drops the database (and stops the private cluster, if one was started). */
  drop(): Promise<void>;
}

let privateCluster: Promise<{ pg: TEmbeddedPostgres; dir: string }> | null = null;

async function adminUrl(): Promise<string> {
  const shared = process.env.LATTICE_TEST_PG_URL;
  if (shared) return shared;
  privateCluster ??= (async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'lattice-pg-'));
    const port = 20000 + Math.floor(Math.random() * 20000);
    return { pg: await startEmbeddedPostgres({ dataDir: path.join(dir, 'data'), port }), dir };
  })();
  return (await privateCluster).pg.adminUrl;
}

export async function createTestDatabase(): Promise<TTestDatabase> {
  const admin = await adminUrl();
  const name = `t_${randomBytes(6).toString('hex')}`;
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  await client.query(`create database ${name}`);
  await client.end();
  const ownerUrl = admin.replace(/\/[^/]*$/, `/${name}`);
  // One role per database (roles are cluster-wide; test files run in parallel on one cluster).
  const role = { name: `${name}_app`, password: randomBytes(18).toString('base64url') };
  await ensureAppRole(ownerUrl, role);
  const owner = connectDb(ownerUrl, 2);
  try {
    await runMigrations(owner.db);
    await seedDefaultEnvironment(owner.db);
  } finally {
    await owner.close();
  }
  const url = urlAsRole(ownerUrl, role);
  const handle = connectDb(url, 20);
  return {
    ...handle,
    url,
    ownerUrl,
    async drop() {
      await handle.close().catch(() => undefined);
      const c = new pg.Client({ connectionString: admin });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
      await dropAppRole(admin, role.name);
      if (privateCluster) {
        const { pg: cluster, dir } = await privateCluster;
        privateCluster = null;
        await cluster.stop();
        await rm(dir, { recursive: true, force: true });
      }
    },
  };
}
