import { startBenchGateway } from '../bench-gateway';
import { connectGateway, startGatewayKernel, stopGatewayKernel, type TGatewayEndpoint } from '../gateway-client';
import { KernelConversation } from '../kernel-client';
import { processRss } from '../process-memory';
import type { TBaseContext, TPeerId, TScenario } from '../scenario';

const TARGET_MB = 150;
const MB = 1024 * 1024;

/** One kernel started, used and stopped, so every server has loaded what serving a kernel takes. */
async function warmUp(server: TGatewayEndpoint): Promise<void> {
  const id = await startGatewayKernel(server);
  const client = new KernelConversation(await connectGateway(server, id));
  await client.execute('1+1');
  await client.close();
  await stopGatewayKernel(server, id);
}

/** RSS as `ps` shows it (MB), 2 s after the warm-up kernel is gone. */
async function idleRssMb(server: TGatewayEndpoint, pid: number): Promise<number | null> {
  await warmUp(server);
  await new Promise((r) => setTimeout(r, 2000));
  const rss = processRss(pid);
  return rss === null ? null : rss / MB;
}

/**
 * Memory of the server process with no kernels: each server fresh, after one kernel was
 * started, used and stopped, read from /proc (VmRSS, no forced GC, as an operator sees it).
 * Lattice gets a gateway of its own (the shared one runs a warm pool); the peers are read
 * before any other scenario has used them. No floor: a direct client holds no server.
 */
export const gatewayRss: TScenario = {
  id: 'gateway-rss',
  async run(ctx: TBaseContext) {
    const gw = await startBenchGateway({ databaseUrl: ctx.databaseUrl, token: ctx.token, python: ctx.python, workDir: ctx.workDir, cpuProfDir: ctx.cpuProfDir });
    try {
      const lattice = await idleRssMb(gw, gw.child.pid);
      const settled = await gw.child.memory();
      const peers: Partial<Record<TPeerId, number | null>> = {};
      for (const peer of ctx.peers) peers[peer.id] = await idleRssMb(peer, peer.pid);
      return [
        {
          id: 'gateway-rss',
          scenario: 'server RSS with no kernels (one started and stopped before)',
          unit: 'MB',
          floor: null,
          gateway: lattice,
          ratio: null,
          peers,
          target: `≤ ${TARGET_MB} MB`,
          pass: lattice === null ? null : lattice <= TARGET_MB,
          note: `Lattice after full GCs: RSS ${(settled.rss / MB).toFixed(0)} MB, JS heap ${(settled.heapUsed / MB).toFixed(0)} MB, external ${(settled.external / MB).toFixed(0)} MB; Lattice's gateway is the bundle under plain node, as npm start runs it`,
        },
      ];
    } finally {
      await gw.stop();
    }
  },
};
