import { asc, eq } from 'drizzle-orm';
import type { TDb } from '../../db/client';
import { environments, kernelEvents, kernels } from '../../db/schema';

/** Polls `f` every 100 ms until it holds; throws naming `what` after `ms`. */
export async function until(what: string, f: () => Promise<boolean> | boolean, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await f())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export async function kernelRow(db: TDb, kernelId: string): Promise<typeof kernels.$inferSelect> {
  const [row] = await db.select().from(kernels).where(eq(kernels.id, kernelId));
  return row;
}

/** The local kernel's pid and, when a cgroup limits it, the cgroup directories. */
export async function localState(db: TDb, kernelId: string): Promise<{ pid: number; limits: Record<string, unknown> | null }> {
  const row = await kernelRow(db, kernelId);
  return row.provisionerState as { pid: number; limits: Record<string, unknown> | null };
}

export async function kernelStates(db: TDb, kernelId: string): Promise<string[]> {
  const rows = await db.select().from(kernelEvents).where(eq(kernelEvents.kernelId, kernelId)).orderBy(asc(kernelEvents.id));
  return rows.map((r) => r.toState);
}

/** A global environment (kernelspec) with the given hardware; ipykernel unless `argv` says otherwise. */
export async function createEnvironment(
  db: TDb,
  values: Partial<typeof environments.$inferInsert> & { slug: string },
): Promise<typeof environments.$inferSelect> {
  const [env] = await db
    .insert(environments)
    .values({ name: values.slug, cpuRequestM: 500, cpuLimitM: 1000, memoryRequestMib: 512, memoryLimitMib: 1024, ...values })
    .returning();
  return env;
}

/** Kills whatever is left of a kernel's process group (test clean-up on failure). */
export function killGroup(pid: number | undefined): void {
  if (!pid) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}
