import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import type { Logger } from 'pino';
import type { TSoftwareBase } from '../../common/software';
import type { TDb } from '../../db/client';
import { ENVIRONMENT_MARKER } from './local-software-builder';
import type { TSoftwareBuilder } from './software-builder';
import { softwareDir } from './software-paths';

/** An environment directory no row names is removed only once this old: a build renames its result into place just before its row says so. */
const ORPHAN_AGE_MS = 10 * 60_000;

interface TGcOptions {
  db: TDb;
  dataDir: string;
  builders: readonly TSoftwareBuilder[];
  logger: Logger;
}

/**
 * Removes software no template and no running kernel uses (issue 15 §3): build rows that no
 * `environments` row names (archived templates keep theirs, to be restored) and no kernel's launch
 * snapshot names while it runs, then each environment no remaining row shares. Rows a web
 * request holds (a template being saved takes its build's row lock) are skipped this round.
 * A running build is never collected: the next round, once it is ready or failed.
 */
export async function collectSoftware(opts: TGcOptions): Promise<{ builds: number; environments: number }> {
  const removed = await opts.db.execute<{ id: string; lock_hash: string | null; base: TSoftwareBase }>(sql`
    delete from software_builds where id in (
      select b.id from software_builds b
      where b.state <> 'building'
        and not exists (select 1 from environments e where e.software_build_id = b.id)
        and not exists (select 1 from kernels k where k.stopped_at is null and k.environment -> 'software' ->> 'buildId' = b.id::text)
      for update skip locked)
    returning id, lock_hash, base`);
  let environments = 0;
  for (const row of removed.rows) {
    if (!row.lock_hash) continue;
    const shared = await opts.db.execute(sql`select 1 from software_builds where lock_hash = ${row.lock_hash} limit 1`);
    if (shared.rows.length) continue;
    const builder = opts.builders.find((b) => b.handles(row.base));
    if (!builder) continue;
    await builder.remove(row.lock_hash, row.base);
    environments++;
  }
  environments += await removeOrphans(opts);
  if (removed.rows.length || environments) opts.logger.info({ builds: removed.rows.length, environments }, 'software: removed what nothing uses');
  return { builds: removed.rows.length, environments };
}

/** Local environments on disk that no row names (their row was deleted with the database, or before the directory was). */
async function removeOrphans(opts: TGcOptions): Promise<number> {
  const envs = path.join(softwareDir(opts.dataDir), 'envs');
  const names = await readdir(envs).catch(() => [] as string[]);
  if (!names.length) return 0;
  const known = new Set((await opts.db.execute<{ lock_hash: string }>(sql`select distinct lock_hash from software_builds where lock_hash is not null`)).rows.map((r) => r.lock_hash));
  const local = opts.builders.find((b) => b.handles('python:'));
  let count = 0;
  for (const name of names) {
    if (known.has(name) || !local) continue;
    const info = await stat(path.join(envs, name, ENVIRONMENT_MARKER)).catch(() => null);
    if (info && Date.now() - info.mtimeMs < ORPHAN_AGE_MS) continue;
    await local.remove(name, 'python:');
    count++;
  }
  return count;
}

/** Runs `collectSoftware` every `intervalMs` until stopped. */
export function startSoftwareGc(opts: TGcOptions & { intervalMs: number }): { stop(): void } {
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    collectSoftware(opts)
      .catch((err) => opts.logger.warn({ err }, 'software: garbage collection failed'))
      .finally(() => (running = false));
  }, opts.intervalMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
