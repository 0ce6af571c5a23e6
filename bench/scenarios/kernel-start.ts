import { launchFloorKernel, connectFloor } from '../floor-client';
import { connectGateway, scrapeMetric, startGatewayKernel, stopGatewayKernel, type TGatewayEndpoint } from '../gateway-client';
import { KernelConversation } from '../kernel-client';
import { alternate, ratioOf, type TBenchContext, type TScenario } from '../scenario';
import { median, since } from '../stats';

/** Mean of the gateway's own launch-phase histogram (ms), or null if it has none. */
async function meanPhaseMs(gw: TGatewayEndpoint, phase: string): Promise<number | null> {
  const labels = { phase, pool: 'miss' };
  const sum = await scrapeMetric(gw, 'lattice_kernel_launch_duration_seconds_sum', labels);
  const count = await scrapeMetric(gw, 'lattice_kernel_launch_duration_seconds_count', labels);
  return sum === null || !count ? null : (1000 * sum) / count;
}

/**
 * Cold kernel start. Gateway: `POST /api/kernels` → websocket → first kernel_info_reply.
 * Floor: spawn ipykernel → DEALER connect → first kernel_info_reply.
 */
export const kernelStart: TScenario = {
  id: 'kernel-start',
  async run(ctx: TBenchContext) {
    const reps = ctx.quick ? 2 : 5;
    const post: number[] = [];
    const floor = async () => {
      const t0 = performance.now();
      const kernel = await launchFloorKernel(ctx.python, ctx.workDir);
      const client = new KernelConversation(connectFloor(kernel.connection));
      await client.kernelInfo(60_000);
      const ms = since(t0);
      await client.close();
      await kernel.stop();
      return ms;
    };
    const gateway = async () => {
      const t0 = performance.now();
      const id = await startGatewayKernel(ctx.gateway);
      post.push(since(t0));
      const client = new KernelConversation(await connectGateway(ctx.gateway, id));
      await client.kernelInfo(60_000);
      const ms = since(t0);
      await client.close();
      await stopGatewayKernel(ctx.gateway, id);
      return ms;
    };
    const runs = await alternate(reps, floor, gateway);
    const [provision, ready] = [await meanPhaseMs(ctx.gateway, 'provision'), await meanPhaseMs(ctx.gateway, 'ready')];
    const phases = provision === null || ready === null ? '' : `; gateway's own phases (mean, all cold launches so far): request → process spawned ${provision.toFixed(0)} ms, spawned → idle ${ready.toFixed(0)} ms`;
    const f = median(runs.floor);
    const g = median(runs.gateway);
    return [
      {
        id: 'kernel-start-cold',
        scenario: 'kernel start, cold (→ first kernel_info_reply)',
        unit: 'ms',
        floor: f,
        gateway: g,
        ratio: ratioOf(g, f),
        target: '—',
        pass: null,
        note: `median of ${reps}; POST alone ${median(post).toFixed(0)} ms${phases}`,
        samples: { ...runs, post },
      },
    ];
  },
};
