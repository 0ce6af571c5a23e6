import { z } from 'zod';
import type { TExecutor } from '../../common/kernel-model';

/** The parts of Spark's monitoring REST API (`/api/v1/...`) this reads. */
const ZApplications = z.array(z.object({ id: z.string() }));
const ZExecutorSummaries = z.array(
  z.object({
    id: z.string(),
    hostPort: z.string(),
    isActive: z.boolean(),
    totalCores: z.number(),
  }),
);

const TIMEOUT_MS = 2000;

async function getJson(url: string): Promise<unknown> {
  const res = await fetch(url, { signal: AbortSignal.timeout(TIMEOUT_MS) });
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
  return res.json();
}

/**
 * The executors registered with a driver, read from its UI's REST API on this host
 * (`http://127.0.0.1:<spark.ui.port>`): each is `running` on its worker host. Spark lists only
 * registered executors, so ones a standalone master has yet to start do not appear. `memoryMib`
 * is what the template gave each executor (Spark's own figure is its storage share only).
 * Returns null while the driver's UI does not answer (kernel starting, or gone).
 */
export async function driverExecutors(uiPort: number, executorMemoryMib: number): Promise<TExecutor[] | null> {
  const base = `http://127.0.0.1:${uiPort}/api/v1/applications`;
  try {
    // A driver's UI serves its own application only.
    const [app] = ZApplications.parse(await getJson(base));
    if (!app) return null;
    const summaries = ZExecutorSummaries.parse(await getJson(`${base}/${encodeURIComponent(app.id)}/executors`));
    return summaries
      .filter((e) => e.id !== 'driver' && e.isActive)
      .sort((a, b) => Number(a.id) - Number(b.id) || a.id.localeCompare(b.id))
      .map((e) => ({
        id: e.id,
        state: 'running' as const,
        reason: null,
        host: e.hostPort.replace(/:\d+$/, ''),
        cores: e.totalCores,
        memoryMib: executorMemoryMib,
      }));
  } catch {
    return null;
  }
}
