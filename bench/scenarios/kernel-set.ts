import { connectFloor, launchFloorKernel } from '../floor-client';
import { connectGateway, startGatewayKernel, stopGatewayKernel, type TGatewayEndpoint } from '../gateway-client';
import { KernelConversation } from '../kernel-client';
import type { TBenchContext, TPeerId } from '../scenario';

/** A ready kernel on each side: one straight over ZeroMQ, one through each server. */
export interface TKernelSet {
  floor: KernelConversation;
  gateway: KernelConversation;
  peers: Partial<Record<TPeerId, KernelConversation>>;
  close(): Promise<void>;
}

/**
 * Starts the floor's kernel and one through the gateway (and through each peer, with
 * `withPeers`), waits until each client's iopub is live, and runs `warmup` cells on each so
 * no side pays first-call costs (imports, JIT) inside a measurement.
 */
export async function openKernelSet(ctx: TBenchContext, withPeers: boolean, warmup = 20): Promise<TKernelSet> {
  const servers: [string, TGatewayEndpoint][] = [['gateway', ctx.gateway], ...(withPeers ? ctx.peers.map((p) => [p.id, p] as [string, TGatewayEndpoint]) : [])];
  const floorKernel = await launchFloorKernel(ctx.python, ctx.workDir);
  const started: { id: string; kernelId: string; server: TGatewayEndpoint; client: KernelConversation }[] = [];
  const floor = new KernelConversation(connectFloor(floorKernel.connection));
  const close = async () => {
    await floor.close();
    await floorKernel.stop();
    for (const s of started) {
      await s.client.close();
      await stopGatewayKernel(s.server, s.kernelId);
    }
  };
  try {
    await Promise.all(
      servers.map(async ([id, server]) => {
        const kernelId = await startGatewayKernel(server);
        const client = new KernelConversation(await connectGateway(server, kernelId));
        started.push({ id, kernelId, server, client });
      }),
    );
    const all: [string, KernelConversation][] = [['floor', floor], ...started.map((s) => [s.id, s.client] as [string, KernelConversation])];
    // A side that does not answer is named: the scenario's error row says which server failed.
    const named = (id: string, step: Promise<void>) => step.catch((err: Error) => Promise.reject(new Error(`${id}: ${err.message}`)));
    await Promise.all(all.map(([id, c]) => named(id, c.awaitIopub())));
    for (let i = 0; i < warmup; i++) for (const [id, c] of all) await named(id, c.execute('1+1'));
  } catch (err) {
    await close();
    throw err;
  }
  const byId = Object.fromEntries(started.map((s) => [s.id, s.client]));
  return { floor, gateway: byId.gateway, peers: Object.fromEntries(Object.entries(byId).filter(([id]) => id !== 'gateway')), close };
}
