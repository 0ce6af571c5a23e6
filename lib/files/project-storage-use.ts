import { getConfig } from '@/lib/config';
import { projectFileAreaFor } from './project-file-area-for';

/** A project's file storage against its limit, as the admin quotas page shows it. */
export interface TProjectStorageUse {
  /**
   * Bytes its files take; null while the first count has not finished. May pass `limitBytes`:
   * uploads are refused past the limit (413 STORAGE_QUOTA_EXCEEDED), but kernels write into
   * /project unlimited, the data directory's ext4 having no project quota (no `project` feature,
   * no `prjquota` mount option) to make the kernel refuse them.
   */
  usedBytes: number | null;
  limitBytes: number;
  /** When `usedBytes` was counted (ISO time); kernels' writes show from the next count. */
  measuredAt: string | null;
}

/**
 * Counting means walking every file (ProjectFileArea.usage). Measured here: 50 projects of
 * 1,000 files each took 590 ms (5,000 files: 3.2 s) on this 2-core machine, past the 300 ms
 * budget of a list page (bench/list-scale.ts), so a page of projects reads counts kept in
 * memory instead. A count is redone in the background when the web changes the files (upload,
 * delete) and when a page asks for one older than FRESH_MS (kernels write without the web
 * knowing); a page waits at most WAIT_MS for counts under way, then shows the previous figure.
 */
const FRESH_MS = 60_000;
const WAIT_MS = 150;

interface TCount {
  usedBytes: number | null;
  measuredAt: number | null;
  /** Bumped by every change the web makes, so a count started before it is redone. */
  generation: number;
  running: Promise<void> | null;
}

// On globalThis: Next.js may load this module once per route bundle, and pages and routes must share the counts.
const holder = globalThis as unknown as { latticeProjectStorage?: Map<string, TCount> };

function countOf(projectId: string): TCount {
  const counts = (holder.latticeProjectStorage ??= new Map());
  let count = counts.get(projectId);
  if (!count) counts.set(projectId, (count = { usedBytes: null, measuredAt: null, generation: 0, running: null }));
  return count;
}

/** Starts a count unless one is under way; one that a change overtook runs again. A failed count leaves the previous figure. */
function recount(projectId: string, count: TCount): Promise<void> {
  if (count.running) return count.running;
  const generation = count.generation;
  count.running = projectFileAreaFor(projectId)
    .usage()
    .then(
      (used) => {
        count.running = null;
        if (count.generation !== generation) return recount(projectId, count);
        count.usedBytes = used;
        count.measuredAt = Date.now();
      },
      () => {
        count.running = null;
      },
    );
  return count.running;
}

/** What the file routes call after they change a project's files: its count is redone. */
export function noteProjectFilesChanged(projectId: string): void {
  const count = countOf(projectId);
  count.generation += 1;
  void recount(projectId, count);
}

/** Where a list of projects reads their storage use (the quotas table asks for it; the web's own is projectStorageSource). */
export interface TProjectStorageSource {
  limitBytes: number;
  use(projectIds: readonly string[]): Promise<Map<string, TProjectStorageUse>>;
}

/** This web's project storage: counts of the file areas under LATTICE_DATA_DIR against LATTICE_PROJECT_STORAGE_BYTES. */
export function projectStorageSource(): TProjectStorageSource {
  const limitBytes = getConfig().LATTICE_PROJECT_STORAGE_BYTES;
  return { limitBytes, use: (projectIds) => projectStorageUse(projectIds, limitBytes) };
}

/** Storage use of each project, from the kept counts; stale or missing ones are recounted (waiting at most WAIT_MS). */
async function projectStorageUse(projectIds: readonly string[], limitBytes: number): Promise<Map<string, TProjectStorageUse>> {
  const now = Date.now();
  const counts = projectIds.map((id) => [id, countOf(id)] as const);
  const running = counts.filter(([, c]) => c.running || c.measuredAt === null || now - c.measuredAt > FRESH_MS).map(([id, c]) => recount(id, c));
  if (running.length) {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([Promise.all(running), new Promise<void>((resolve) => (timer = setTimeout(resolve, WAIT_MS)))]);
    clearTimeout(timer);
  }
  return new Map(
    counts.map(([id, c]) => [id, { usedBytes: c.usedBytes, limitBytes, measuredAt: c.measuredAt === null ? null : new Date(c.measuredAt).toISOString() }]),
  );
}
