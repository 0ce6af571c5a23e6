import type { KernelConversation } from '../kernel-client';
import { alternate, peerFigures, peerSides, ratioOf, type TBenchContext, type TScenario } from '../scenario';
import { median, since } from '../stats';
import { openKernelSet } from './kernel-set';

const TARGET_RATIO = 0.95;

interface TRateRun {
  messagesPerSecond: number;
  /** stdout messages received (the kernel now and then splits a line's `\n` into a message of its own). */
  messages: number;
  /** Complete lines in the stdout text. */
  received: number;
  /** How many lines arrived as 0, 1, 2, … before the first one missing or out of order. */
  inOrder: number;
  /** stdout messages that arrived after the cell's `status: idle` (never, if correct). */
  afterIdle: number;
  /** False when the cell's `status: idle` or execute_reply never came. */
  finished: boolean;
}

/** Silence after which a run ends as unfinished (a server dropped its idle); far above any gap between two lines. */
const TIMEOUT_MS = 15_000;

/** One cell printing `lines` lines with a flush after each: one iopub stream message per line. */
async function flushLines(client: KernelConversation, lines: number): Promise<TRateRun> {
  let messages = 0;
  let received = 0;
  let inOrder = 0;
  let afterIdle = 0;
  let idle = false;
  let partial = '';
  let finished = true;
  const t0 = performance.now();
  await client
    .execute(
      `import sys\nfor i in range(${lines}):\n    print(i)\n    sys.stdout.flush()`,
      (m) => {
        if (m.msgType === 'status' && m.content.execution_state === 'idle') idle = true;
        if (m.msgType !== 'stream' || m.content.name !== 'stdout') return;
        if (idle) afterIdle++;
        messages++;
        const text = partial + (m.content.text as string);
        let from = 0;
        for (let at = text.indexOf('\n'); at !== -1; from = at + 1, at = text.indexOf('\n', from)) {
          received++;
          if (inOrder === received - 1 && text.slice(from, at) === String(inOrder)) inOrder++;
        }
        partial = text.slice(from);
      },
      TIMEOUT_MS,
    )
    .catch(() => {
      finished = false;
    });
  const seconds = since(t0) / 1000;
  return { messagesPerSecond: messages / seconds, messages, received, inOrder, afterIdle, finished };
}

/**
 * Message rate: as many small iopub messages as the kernel can produce. Every line must
 * arrive, in order, and the cell's `status: idle` after all of them. A peer that drops or
 * reorders lines is reported (its rate counts only what arrived).
 */
export const messageRate: TScenario = {
  id: 'message-rate',
  async run(ctx: TBenchContext) {
    const lines = ctx.quick ? 2_000 : 20_000;
    const reps = ctx.quick ? 1 : 5;
    const set = await openKernelSet(ctx, true);
    const cpu: number[] = [];
    try {
      const runs = await alternate(reps, {
        floor: () => flushLines(set.floor, lines),
        gateway: async () => {
          const before = await ctx.gateway.cpuMicros();
          const run = await flushLines(set.gateway, lines);
          cpu.push(((await ctx.gateway.cpuMicros()) - before) / run.messages);
          return run;
        },
        ...peerSides(ctx.peers, (p) => () => flushLines(set.peers[p.id] as KernelConversation, lines)),
      });
      const correct = (r: TRateRun) => r.finished && r.received === lines && r.inOrder === lines && r.afterIdle === 0;
      const problems = ['floor' as const, 'gateway' as const, ...ctx.peers.map((p) => p.id)].flatMap((side) =>
        (runs[side] ?? [])
          .filter((r) => !correct(r))
          .map(
            (r) =>
              `${side}: ${r.received}/${lines} lines (${lines - r.received} dropped), in order up to line ${r.inOrder}, ` +
              `${r.afterIdle} messages after idle${r.finished ? '' : ', idle/reply never came'}`,
          ),
      );
      const rate = (sideRuns: TRateRun[]) => median(sideRuns.map((r) => r.messagesPerSecond));
      const f = rate(runs.floor);
      const g = rate(runs.gateway);
      const ratio = ratioOf(g, f);
      return [
        {
          id: 'message-rate',
          scenario: `message rate, ${lines.toLocaleString('en')} flushed lines`,
          unit: 'msg/s',
          floor: f,
          gateway: g,
          ratio,
          peers: peerFigures(ctx.peers, runs, rate),
          target: `≥ ${TARGET_RATIO}× floor, all in order, then idle`,
          pass: ratio !== null && ratio >= TARGET_RATIO && runs.gateway.every(correct),
          note:
            (problems.length ? `lines missing or out of order — ${problems.join('; ')}` : `all ${lines.toLocaleString('en')} lines in order, then idle, on every side in every run (median of ${reps}); 0 dropped`) +
            `; Lattice's gateway CPU ${Math.round(median(cpu))} µs per message`,
          samples: { ...runs, gatewayCpuMicrosPerMessage: cpu },
        },
      ];
    } finally {
      await set.close();
    }
  },
};
