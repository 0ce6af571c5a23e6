import { connectDb, type TDb, type TDbHandle } from '@/db/client';
import { getConfig } from './config';

const holder = globalThis as unknown as { latticeDb?: TDbHandle };

/** The web's one connection pool (kept on globalThis so dev-mode reloads don't leak pools). */
export function getDb(): TDb {
  holder.latticeDb ??= connectDb(getConfig().DATABASE_URL, 10);
  return holder.latticeDb.db;
}
