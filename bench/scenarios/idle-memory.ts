import path from 'node:path';
import { inArray } from 'drizzle-orm';
import { kernels } from '../../db/schema';
import { ZConnectionInfo } from '../../server/zmq/connection-info';
import { startBenchGateway } from '../bench-gateway';
import { connectGateway, startGatewayKernel, stopGatewayKernel } from '../gateway-client';
import { KernelConversation } from '../kernel-client';
import type { TMemoryReading } from '../process-memory';
import { startZmqHolder } from '../processes';
import { ratioOf, type TBaseContext, type TScenario } from '../scenario';

const TARGET_MB = 2;
const MB = 1024 * 1024;

const perKernel = (before: TMemoryReading, after: TMemoryReading, n: number) => ({
  rss: (after.rss - before.rss) / n / MB,
  heap: (after.heapUsed - before.heapUsed) / n / MB,
  external: (after.external - before.external) / n / MB,
});

/** Runs `f` over `items`, at most `width` at a time. */
async function inBatches<T, R>(items: readonly T[], width: number, f: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < items.length; i += width) out.push(...(await Promise.all(items.slice(i, i + width).map(f))));
  return out;
}

/**
 * Gateway memory per idle kernel: a fresh gateway process, warmed up by one kernel it has
 * started, used and stopped; RSS (after full GCs) before and after starting N kernels that
 * then sit idle with no client attached. Floor: a bare process holding the same N kernels'
 * direct ZeroMQ connections (shell, control, iopub), measured the same way.
 */
export const idleMemory: TScenario = {
  id: 'idle-memory',
  async run(ctx: TBaseContext) {
    const n = ctx.quick ? 3 : 20;
    const gw = await startBenchGateway({ databaseUrl: ctx.databaseUrl, token: ctx.token, python: ctx.python, workDir: ctx.workDir, cpuProfDir: ctx.cpuProfDir });
    const holder = await startZmqHolder({ env: process.env, logFile: path.join(ctx.workDir, 'zmq-holder.log') });
    const ids: string[] = [];
    try {
      const warm = await startGatewayKernel(gw);
      const client = new KernelConversation(await connectGateway(gw, warm));
      await client.awaitIopub();
      await client.execute('1+1');
      await client.close();
      await stopGatewayKernel(gw, warm);

      const gwBefore = await gw.child.memory();
      ids.push(...(await inBatches(Array.from({ length: n }, (_, i) => i), 4, () => startGatewayKernel(gw))));
      await new Promise((r) => setTimeout(r, 2000));
      const gwAfter = await gw.child.memory();
      const gateway = perKernel(gwBefore, gwAfter, n);

      const rows = await ctx.db.select({ connection: kernels.connection }).from(kernels).where(inArray(kernels.id, ids));
      const connections = rows.map((r) => ZConnectionInfo.parse(r.connection));
      // The first kernel warms the holder up (ZeroMQ context, code paths); the rest are measured.
      await holder.ask({ type: 'hold', connections: connections.slice(0, 1) }, 'held');
      const floorBefore = await holder.memory();
      await holder.ask({ type: 'hold', connections: connections.slice(1) }, 'held');
      const floorAfter = await holder.memory();
      const floor = perKernel(floorBefore, floorAfter, n - 1);

      return [
        {
          id: 'idle-memory',
          scenario: `gateway memory per idle kernel (${n} kernels, RSS)`,
          unit: 'MB',
          floor: floor.rss,
          gateway: gateway.rss,
          // A bare ZeroMQ client's per-kernel RSS is within page-level noise; no ratio against ~0.
          ratio: floor.rss >= 0.05 ? ratioOf(gateway.rss, floor.rss) : null,
          target: `≤ ${TARGET_MB} MB`,
          pass: gateway.rss <= TARGET_MB,
          note: `per kernel: gateway heap ${gateway.heap.toFixed(3)} MB + external ${gateway.external.toFixed(3)} MB; floor heap ${floor.heap.toFixed(3)} MB + external ${floor.external.toFixed(3)} MB`,
          samples: { n, gwBefore, gwAfter, floorBefore, floorAfter },
        },
      ];
    } finally {
      await holder.stop();
      await gw.stop();
    }
  },
};
