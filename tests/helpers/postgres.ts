import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { connectDb, type TDbHandle } from '../../db/client';
import { startEmbeddedPostgres, type TEmbeddedPostgres } from '../../db/embedded-postgres';
import { runMigrations } from '../../db/migrate';
import { seedDefaultEnvironment } from '../../db/seed';

/**
 * Real Postgres for tests. `npm test` starts one embedded cluster and passes its admin URL
 * in LATTICE_TEST_PG_URL; a test file run on its own starts a private cluster instead.
 * Every call gets a fresh, migrated database with the default environment seeded.
 */
export interface TTestDatabase extends TDbHandle {
  url: string;
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
  const url = admin.replace(/\/[^/]*$/, `/${name}`);
  const handle = connectDb(url, 20);
  await runMigrations(handle.db);
  await seedDefaultEnvironment(handle.db);
  return {
    ...handle,
    url,
    async drop() {
      await handle.close().catch(() => undefined);
      const c = new pg.Client({ connectionString: admin });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
      if (privateCluster) {
        const { pg: cluster, dir } = await privateCluster;
        privateCluster = null;
        await cluster.stop();
        await rm(dir, { recursive: true, force: true });
      }
    },
  };
}
