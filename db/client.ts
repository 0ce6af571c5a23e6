import { drizzle, type NodePgDatabase } from 'drizzle-orm/node-postgres';
import pg from 'pg';
import * as schema from './schema';

export type TDb = NodePgDatabase<typeof schema>;
/** A database or a transaction handle: functions that may run inside a caller's transaction take this. */
export type TDbOrTx = TDb | Parameters<Parameters<TDb['transaction']>[0]>[0];

export interface TDbHandle {
  db: TDb;
  pool: pg.Pool;
  close(): Promise<void>;
}

/** One pool per process; `max` stays small because web and gateway share one Postgres. */
export function connectDb(url: string, max = 10): TDbHandle {
  const pool = new pg.Pool({ connectionString: url, max });
  // An idle client losing its connection (Postgres restarted) must not crash the process.
  pool.on('error', () => undefined);
  const db = drizzle(pool, { schema });
  return { db, pool, close: () => pool.end() };
}
