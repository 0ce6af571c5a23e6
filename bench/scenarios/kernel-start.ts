import { connectFloor, kernelListening, launchFloorKernel } from '../floor-client';
import { connectGateway, scrapeMetric, startGatewayKernel, stopGatewayKernel, type TGatewayEndpoint } from '../gateway-client';
import { KernelConversation } from '../kernel-client';
import { alternate, peerFigures, peerSides, ratioOf, type TBenchContext, type TScenario } from '../scenario';
import { median, since } from '../stats';

/** The target: a cold start costs at most this much over the direct-ZeroMQ floor. */
const TARGET_OVER_FLOOR_MS = 30;

/** Mean of the gateway's own launch-phase histogram (ms), or null if it has none. */
async function meanPhaseMs(gw: TGatewayEndpoint, phase: string): Promise<number | null> {
  const labels = { phase, pool: 'miss' };
  const sum = await scrapeMetric(gw, 'lattice_kernel_launch_duration_seconds_sum', labels);
  const count = await scrapeMetric(gw, 'lattice_kernel_launch_duration_seconds_count', labels);
  return sum === null || !count ? null : (1000 * sum) / count;
}

/** POST /api/kernels → websocket → first kernel_info_reply; `post` gets the POST's own time. */
const coldStart = (gw: TGatewayEndpoint, post?: number[]) => async () => {
  const t0 = performance.now();
  const id = await startGatewayKernel(gw);
  post?.push(since(t0));
  const client = new KernelConversation(await connectGateway(gw, id));
  await client.kernelInfo(60_000);
  const ms = since(t0);
  await client.close();
  await stopGatewayKernel(gw, id);
  return ms;
};

/**
 * Cold kernel start. Gateways: `POST /api/kernels` → websocket → first kernel_info_reply.
 * Floor: spawn ipykernel → shell port accepts → DEALER connect → first kernel_info_reply.
 */
export const kernelStart: TScenario = {
  id: 'kernel-start',
  async run(ctx: TBenchContext) {
    const reps = ctx.quick ? 2 : 5;
    const post: number[] = [];
    const floor = async () => {
      const t0 = performance.now();
      const kernel = await launchFloorKernel(ctx.python, ctx.workDir);
      await kernelListening(kernel.connection);
      const client = new KernelConversation(connectFloor(kernel.connection));
      await client.kernelInfo(60_000);
      const ms = since(t0);
      await client.close();
      await kernel.stop();
      return ms;
    };
    const runs = await alternate(reps, { floor, gateway: coldStart(ctx.gateway, post), ...peerSides(ctx.peers, (p) => coldStart(p)) });
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
        peers: peerFigures(ctx.peers, runs, median),
        target: `≤ floor + ${TARGET_OVER_FLOOR_MS} ms`,
        pass: g - f <= TARGET_OVER_FLOOR_MS,
        note: `median of ${reps}; Lattice ${g - f >= 0 ? '+' : ''}${(g - f).toFixed(0)} ms over the floor; Lattice's POST alone ${median(post).toFixed(0)} ms${phases}`,
        samples: { ...runs, post },
      },
    ];
  },
};
