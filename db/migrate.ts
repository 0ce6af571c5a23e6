import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import type { TDb } from './client';

const MIGRATIONS = path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations');

/** Applies the SQL migrations in db/migrations that have not run yet (idempotent). */
export async function runMigrations(db: TDb): Promise<void> {
  await migrate(db, { migrationsFolder: MIGRATIONS });
}
