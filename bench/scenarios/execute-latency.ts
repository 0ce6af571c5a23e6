import { alternate, peerFigures, peerSides, ratioOf, type TBenchContext, type TScenario } from '../scenario';
import { median, percentile, since } from '../stats';
import type { KernelConversation } from '../kernel-client';
import { treeCpuMicros } from '../process-cpu';
import { openKernelSet } from './kernel-set';

const TARGET_RATIO = 1.2;

/** One run: `cells` tiny cells one after another; each timed from send to reply + idle. */
async function runCells(client: KernelConversation, cells: number): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < cells; i++) {
    const t0 = performance.now();
    await client.execute('1+1');
    times.push(since(t0));
  }
  return times;
}

/** Execute round trip of a tiny cell (`1+1`: reply, busy, execute_input, execute_result, idle). */
export const executeLatency: TScenario = {
  id: 'execute-latency',
  async run(ctx: TBenchContext) {
    const cells = ctx.quick ? 30 : 300;
    const reps = ctx.quick ? 2 : 6;
    const set = await openKernelSet(ctx, true);
    const cpu: number[] = [];
    const pgCpu: number[] = [];
    const pg = () => (ctx.postgresPid ? treeCpuMicros(ctx.postgresPid) : 0);
    try {
      const runs = await alternate(reps, {
        floor: () => runCells(set.floor, cells),
        gateway: async () => {
          const [before, pgBefore] = [await ctx.gateway.cpuMicros(), pg()];
          const times = await runCells(set.gateway, cells);
          cpu.push((await ctx.gateway.cpuMicros()) - before);
          pgCpu.push(pg() - pgBefore);
          return times;
        },
        ...peerSides(ctx.peers, (p) => () => runCells(set.peers[p.id] as KernelConversation, cells)),
      });
      const atPercentile = (p: number) => (sideRuns: number[][]) => median(sideRuns.map((r) => percentile(r, p)));
      const cpuPerCell = median(cpu) / cells;
      const pgPerCell = median(pgCpu) / cells;
      const note =
        `${cells} cells × ${reps} runs; median of per-run percentiles; per cell Lattice's gateway used ${Math.round(cpuPerCell)} µs CPU` +
        (ctx.postgresPid ? ` and Postgres ${Math.round(pgPerCell)} µs` : '');
      return [50, 95, 99].map((p) => {
        const floor = atPercentile(p)(runs.floor);
        const gateway = atPercentile(p)(runs.gateway);
        const ratio = ratioOf(gateway, floor);
        return {
          id: `execute-p${p}`,
          scenario: `execute round trip, tiny cell, p${p}`,
          unit: 'ms',
          floor,
          gateway,
          ratio,
          peers: peerFigures(ctx.peers, runs, atPercentile(p)),
          target: p === 50 ? `≤ ${TARGET_RATIO}× floor` : '—',
          pass: p === 50 ? ratio !== null && ratio <= TARGET_RATIO : null,
          note: p === 50 ? note : 'as p50',
          ...(p === 50 ? { samples: runs } : {}),
        };
      });
    } finally {
      await set.close();
    }
  },
};
