import { connectFloor, kernelListening, launchFloorKernel } from '../floor-client';
import { connectGateway, startGatewayKernel, stopGatewayKernel, type TGatewayEndpoint } from '../gateway-client';
import { KernelConversation } from '../kernel-client';
import { alternate, peerFigures, peerSides, ratioOf, type TBenchContext, type TScenario } from '../scenario';
import { median, since } from '../stats';

const TIMEOUT_MS = 120_000;

/** `n` × (POST → websocket → execute `1+1` → reply and idle) at once; ms until the last is done. */
const startAndExecute = (gw: TGatewayEndpoint, n: number) => async () => {
  const t0 = performance.now();
  const started = await Promise.all(
    Array.from({ length: n }, async () => {
      const id = await startGatewayKernel(gw);
      const client = new KernelConversation(await connectGateway(gw, id));
      await client.execute('1+1', undefined, TIMEOUT_MS);
      return { id, client };
    }),
  );
  const ms = since(t0);
  await Promise.all(
    started.map(async ({ id, client }) => {
      await client.close();
      await stopGatewayKernel(gw, id);
    }),
  );
  return ms;
};

/**
 * N kernels started and used at once: the time until every one of them has run a cell. The
 * gateways' websockets are live for iopub when they open (each server subscribes and nudges
 * before); the floor's client connects once the kernel listens and does the same nudge itself
 * (kernel_info until iopub answers).
 * Target (issue 13 §4): faster than Enterprise Gateway.
 */
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
          await kernelListening(kernel.connection, ['shell', 'iopub']);
          const client = new KernelConversation(connectFloor(kernel.connection));
          await client.awaitIopub(TIMEOUT_MS);
          await client.execute('1+1', undefined, TIMEOUT_MS);
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
    const runs = await alternate(reps, { floor, gateway: startAndExecute(ctx.gateway, n), ...peerSides(ctx.peers, (p) => startAndExecute(p, n)) });
    const f = median(runs.floor);
    const g = median(runs.gateway);
    const peers = peerFigures(ctx.peers, runs, median);
    const eg = peers['enterprise-gateway'] ?? null;
    return [
      {
        id: 'concurrent-start',
        scenario: `${n} kernels started + \`1+1\` run concurrently (all done)`,
        unit: 'ms',
        floor: f,
        gateway: g,
        ratio: ratioOf(g, f),
        peers,
        target: 'faster than Enterprise Gateway',
        pass: eg === null ? null : g < eg,
        note: `median of ${reps}${eg === null ? '; not compared: Enterprise Gateway not measured' : ''}`,
        samples: runs,
      },
    ];
  },
};
