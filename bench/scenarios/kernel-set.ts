import { connectFloor, launchFloorKernel } from '../floor-client';
import { connectGateway, startGatewayKernel, stopGatewayKernel } from '../gateway-client';
import { KernelConversation } from '../kernel-client';
import type { TBenchContext } from '../scenario';

/** A ready kernel on each side: one straight over ZeroMQ, one through the gateway. */
export interface TKernelPair {
  floor: KernelConversation;
  gateway: KernelConversation;
  close(): Promise<void>;
}

/**
 * Starts both kernels, waits until each client's iopub is live, and runs `warmup` cells on
 * each so neither side pays first-call costs (imports, JIT) inside a measurement.
 */
export async function openKernelPair(ctx: TBenchContext, warmup = 20): Promise<TKernelPair> {
  const [floorKernel, gatewayKernelId] = await Promise.all([launchFloorKernel(ctx.python, ctx.workDir), startGatewayKernel(ctx.gateway)]);
  const floor = new KernelConversation(connectFloor(floorKernel.connection));
  const gateway = new KernelConversation(await connectGateway(ctx.gateway, gatewayKernelId));
  await Promise.all([floor.awaitIopub(), gateway.awaitIopub()]);
  for (let i = 0; i < warmup; i++) {
    await floor.execute('1+1');
    await gateway.execute('1+1');
  }
  return {
    floor,
    gateway,
    async close() {
      await floor.close();
      await gateway.close();
      await floorKernel.stop();
      await stopGatewayKernel(ctx.gateway, gatewayKernelId);
    },
  };
}
