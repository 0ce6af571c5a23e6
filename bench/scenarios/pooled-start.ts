import type { TBenchGateway } from '../bench-gateway';
import { connectFloor, launchFloorKernel } from '../floor-client';
import { connectGateway, scrapeMetric, startGatewayKernel, stopGatewayKernel } from '../gateway-client';
import { KernelConversation } from '../kernel-client';
import { alternate, ratioOf, type TBenchContext, type TScenario } from '../scenario';
import { median, since } from '../stats';

/** The environment `run.ts` creates with a warm pool before the gateway starts. */
export const POOLED_ENVIRONMENT = { slug: 'bench-pooled', poolSize: 2 };
const TARGET_MS = 300;

/**
 * Ready kernels in the bench environment's pool, from the gateway's `GET /metrics`; null
 * when the gateway exports no such gauge. (Pooled kernels have no `kernels` row until
 * claimed, so the database cannot tell.)
 */
function readyInPool(gw: TBenchGateway): Promise<number | null> {
  return scrapeMetric(gw, 'lattice_pool_kernels', { environment: POOLED_ENVIRONMENT.slug, state: 'ready' });
}

/** Waits until at least one pooled kernel is ready; false after `ms`. */
async function waitForPool(gw: TBenchGateway, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (((await readyInPool(gw)) ?? 0) >= 1) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}

/**
 * A launch from the warm pool: `POST /api/kernels` for an environment with `pool_size` set,
 * once the pool has filled → first kernel_info_reply. Floor: an already running kernel,
 * fresh connection → first kernel_info_reply (the least any pooled launch can cost).
 */
export const pooledStart: TScenario = {
  id: 'pooled-start',
  async run(ctx: TBenchContext) {
    const row = {
      id: 'kernel-start-pooled',
      scenario: 'kernel start, warm pool (→ first kernel_info_reply)',
      unit: 'ms',
      target: `< ${TARGET_MS} ms`,
    };
    if (!(await waitForPool(ctx.gateway, 60_000))) {
      const why = (await readyInPool(ctx.gateway)) === null ? 'pool not yet built (no lattice_pool_kernels gauge on /metrics)' : 'the pool did not fill within 60 s';
      return [{ ...row, floor: null, gateway: null, ratio: null, pass: null, note: `not measured: ${why}` }];
    }
    const reps = ctx.quick ? 2 : 5;
    const warm = await launchFloorKernel(ctx.python, ctx.workDir);
    const warmup = new KernelConversation(connectFloor(warm.connection));
    await warmup.kernelInfo(60_000);
    await warmup.close();
    const floor = async () => {
      const t0 = performance.now();
      const client = new KernelConversation(connectFloor(warm.connection));
      await client.kernelInfo();
      const ms = since(t0);
      await client.close();
      return ms;
    };
    const gateway = async () => {
      if (!(await waitForPool(ctx.gateway, 60_000))) throw new Error('the pool did not refill within 60 s');
      const t0 = performance.now();
      const id = await startGatewayKernel(ctx.gateway, POOLED_ENVIRONMENT.slug);
      const client = new KernelConversation(await connectGateway(ctx.gateway, id));
      await client.kernelInfo();
      const ms = since(t0);
      await client.close();
      await stopGatewayKernel(ctx.gateway, id);
      return ms;
    };
    try {
      const runs = await alternate(reps, { floor, gateway });
      const f = median(runs.floor);
      const g = median(runs.gateway);
      return [{ ...row, floor: f, gateway: g, ratio: ratioOf(g, f), pass: g < TARGET_MS, note: `median of ${reps}`, samples: runs }];
    } finally {
      await warm.stop();
    }
  },
};
