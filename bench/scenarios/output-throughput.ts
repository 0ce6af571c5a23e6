import type { KernelConversation } from '../kernel-client';
import { alternate, ratioOf, type TBenchContext, type TScenario } from '../scenario';
import { median, since } from '../stats';
import { openKernelSet } from './kernel-set';

const TARGET_RATIO = 0.8;

interface TThroughputRun {
  linesPerSecond: number;
  lines: number;
  messages: number;
  lastLine: string;
  /** False when the cell's `status: idle` or execute_reply never came. */
  finished: boolean;
}

const TIMEOUT_MS = 180_000;

/** One cell printing `lines` numbered lines; counts what arrives on stdout. */
async function printLines(client: KernelConversation, lines: number): Promise<TThroughputRun> {
  let count = 0;
  let messages = 0;
  let tail = '';
  let finished = true;
  const t0 = performance.now();
  await client
    .execute(
    `for i in range(${lines}):\n    print(i)`,
    (m) => {
      if (m.msgType !== 'stream' || m.content.name !== 'stdout') return;
      const text = m.content.text as string;
      messages++;
      for (let at = text.indexOf('\n'); at !== -1; at = text.indexOf('\n', at + 1)) count++;
      tail = (tail + text).slice(-64);
    },
      TIMEOUT_MS,
    )
    .catch(() => {
      finished = false;
    });
  const seconds = since(t0) / 1000;
  const lastLine = tail.trimEnd().split('\n').at(-1) ?? '';
  return { linesPerSecond: count / seconds, lines: count, messages, lastLine, finished };
}

/** Output throughput: every one of N printed lines must arrive, the last one last. */
export const outputThroughput: TScenario = {
  id: 'output-throughput',
  async run(ctx: TBenchContext) {
    const lines = ctx.quick ? 20_000 : 200_000;
    const reps = ctx.quick ? 1 : 5;
    const set = await openKernelSet(ctx, false);
    const cpu: number[] = [];
    try {
      const runs = await alternate(reps, {
        floor: () => printLines(set.floor, lines),
        gateway: async () => {
          const before = await ctx.gateway.cpuMicros();
          const run = await printLines(set.gateway, lines);
          cpu.push((await ctx.gateway.cpuMicros()) - before);
          return run;
        },
      });
      const complete = (r: TThroughputRun) => r.finished && r.lines === lines && r.lastLine === String(lines - 1);
      const problems = (['floor', 'gateway'] as const).flatMap((side) =>
        runs[side].filter((r) => !complete(r)).map((r) => `${side}: ${r.lines}/${lines} lines, last "${r.lastLine}"${r.finished ? '' : ', no idle/reply'}`),
      );
      const f = median(runs.floor.map((r) => r.linesPerSecond));
      const g = median(runs.gateway.map((r) => r.linesPerSecond));
      const ratio = ratioOf(g, f);
      const gatewayComplete = runs.gateway.every(complete);
      return [
        {
          id: 'output-throughput',
          scenario: `output throughput, ${lines.toLocaleString('en')} lines`,
          unit: 'lines/s',
          floor: f,
          gateway: g,
          ratio,
          target: `≥ ${TARGET_RATIO}× floor, all lines`,
          pass: ratio !== null && ratio >= TARGET_RATIO && gatewayComplete,
          note: problems.length
            ? `INCOMPLETE: ${problems.join('; ')}`
            : `all lines arrived in every run (median of ${reps}); ~${median(runs.gateway.map((r) => r.messages))} stream messages per run; gateway CPU ${Math.round(median(cpu) / 1000)} ms per run`,
          samples: { ...runs, gatewayCpuMicros: cpu },
        },
      ];
    } finally {
      await set.close();
    }
  },
};
