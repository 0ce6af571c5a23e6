import { launchFloorKernel, connectFloor } from '../floor-client';
import { connectGateway, startGatewayKernel, stopGatewayKernel } from '../gateway-client';
import { KernelConversation } from '../kernel-client';
import { alternate, ratioOf, type TBenchContext, type TScenario } from '../scenario';
import { median, since } from '../stats';

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
        note: `median of ${reps}; POST alone ${median(post).toFixed(0)} ms`,
        samples: { ...runs, post },
      },
    ];
  },
};
