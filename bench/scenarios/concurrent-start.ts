import { launchFloorKernel, connectFloor } from '../floor-client';
import { connectGateway, startGatewayKernel, stopGatewayKernel } from '../gateway-client';
import { KernelConversation } from '../kernel-client';
import { alternate, ratioOf, type TBenchContext, type TScenario } from '../scenario';
import { median, since } from '../stats';

/** N kernels started at once; the time until every one of them has answered kernel_info. */
export const concurrentStart: TScenario = {
  id: 'concurrent-start',
  async run(ctx: TBenchContext) {
    const n = ctx.quick ? 2 : 8;
    const reps = ctx.quick ? 1 : 3;
    const floor = async () => {
      const t0 = performance.now();
      const started = await Promise.all(
        Array.from({ length: n }, async () => {
          const kernel = await launchFloorKernel(ctx.python, ctx.workDir);
          const client = new KernelConversation(connectFloor(kernel.connection));
          await client.kernelInfo(120_000);
          return { kernel, client };
        }),
      );
      const ms = since(t0);
      for (const { kernel, client } of started) {
        await client.close();
        await kernel.stop();
      }
      return ms;
    };
    const gateway = async () => {
      const t0 = performance.now();
      const started = await Promise.all(
        Array.from({ length: n }, async () => {
          const id = await startGatewayKernel(ctx.gateway);
          const client = new KernelConversation(await connectGateway(ctx.gateway, id));
          await client.kernelInfo(120_000);
          return { id, client };
        }),
      );
      const ms = since(t0);
      await Promise.all(
        started.map(async ({ id, client }) => {
          await client.close();
          await stopGatewayKernel(ctx.gateway, id);
        }),
      );
      return ms;
    };
    const runs = await alternate(reps, floor, gateway);
    const f = median(runs.floor);
    const g = median(runs.gateway);
    return [
      {
        id: 'concurrent-start',
        scenario: `${n} kernels started concurrently (all ready)`,
        unit: 'ms',
        floor: f,
        gateway: g,
        ratio: ratioOf(g, f),
        target: '—',
        pass: null,
        note: `median of ${reps}`,
        samples: runs,
      },
    ];
  },
};
