import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { readFile, writeFile, mkdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { TScenarioRow } from './scenario';
import { formatTable, type TTableColumns } from './table';

const HERE = import.meta.dirname;
const START = '<!-- results:start -->';
const END = '<!-- results:end -->';

export interface TMachine {
  date: string;
  nproc: number;
  cpu: string;
  memoryGiB: number;
  kernel: string;
  node: string;
  python: string;
  ipykernel: string;
  pyzmq: string;
  zeromqJs: string;
  commit: string;
  /** 1-minute load average when the run began and when it ended (other work on the machine). */
  load: { start: number; end: number | null };
}

function quiet(cmd: string, args: string[]): string {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return 'unknown';
  }
}

/** What the numbers were measured on (they mean little without it). */
export function describeMachine(python: string): TMachine {
  const cpuinfo = readFileSync('/proc/cpuinfo', 'utf8');
  const [pyVersion, ipykernel, pyzmq] = quiet(python, ['-c', 'import sys, ipykernel, zmq; print(sys.version.split()[0], ipykernel.__version__, zmq.__version__)']).split(' ');
  const zeromqJs = (JSON.parse(readFileSync(path.join(HERE, '../node_modules/zeromq/package.json'), 'utf8')) as { version: string }).version;
  return {
    date: new Date().toISOString(),
    nproc: Number(quiet('nproc', [])) || os.availableParallelism(),
    cpu: /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1] ?? 'unknown',
    memoryGiB: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
    kernel: `${os.type()} ${os.release()}`,
    node: process.version,
    python: pyVersion ?? 'unknown',
    ipykernel: ipykernel ?? 'unknown',
    pyzmq: pyzmq ?? 'unknown',
    zeromqJs,
    commit: quiet('git', ['-C', HERE, 'rev-parse', '--short', 'HEAD']),
    load: { start: os.loadavg()[0], end: null },
  };
}

export function describeRun(machine: TMachine, quick: boolean, seconds: number): string {
  return [
    `Measured ${machine.date.slice(0, 16).replace('T', ' ')} UTC${quick ? ' (--quick sizes)' : ''}, commit ${machine.commit}, whole run ${Math.round(seconds)} s.`,
    `Machine: ${machine.nproc} × ${machine.cpu}, ${machine.memoryGiB} GiB RAM, ${machine.kernel}; ` +
      `1-min load average ${machine.load.start.toFixed(1)} at the start, ${machine.load.end?.toFixed(1) ?? '?'} at the end.`,
    `Software: Node ${machine.node}, zeromq.js ${machine.zeromqJs}; Python ${machine.python}, ipykernel ${machine.ipykernel}, pyzmq ${machine.pyzmq}.`,
  ].join('  \n');
}

/** Three decimals are plenty for milliseconds and megabytes; keeps the JSON readable. */
export const rounded = (_key: string, value: unknown) => (typeof value === 'number' && !Number.isInteger(value) ? Math.round(value * 1000) / 1000 : value);

/**
 * A full run writes `results/latest.json` and replaces the generated part of README.md's
 * "Latest results" section; a `--quick` or `--only` run writes `results/quick.json` or
 * `results/partial.json` (not committed) and leaves the README alone.
 */
export async function writeResults(
  rows: readonly TScenarioRow[],
  machine: TMachine,
  kind: 'full' | 'quick' | 'partial',
  seconds: number,
  columns: TTableColumns,
): Promise<string> {
  const quick = kind === 'quick';
  machine.load.end = os.loadavg()[0];
  await mkdir(path.join(HERE, 'results'), { recursive: true });
  const file = path.join(HERE, 'results', kind === 'full' ? 'latest.json' : `${kind}.json`);
  await writeFile(file, `${JSON.stringify({ machine, kind, seconds: Math.round(seconds), rows }, rounded, 2)}\n`);
  if (kind !== 'full') return file;
  const verdict = targetsVerdict(rows);
  await replaceReadmeSection(START, END, `${describeRun(machine, quick, seconds)}\n\n${formatTable(rows, columns)}\n\n${verdict}`);
  return file;
}

/** "Targets met: n of m (missed: …)." */
export function targetsVerdict(rows: readonly TScenarioRow[]): string {
  const targeted = rows.filter((r) => r.pass !== null);
  const missed = targeted.filter((r) => !r.pass).map((r) => r.id);
  return `Targets met: ${targeted.length - missed.length} of ${targeted.length}${missed.length ? ` (missed: ${missed.join(', ')})` : ''}.`;
}

/** Replaces what lies between the `start` and `end` markers of bench/README.md with `content`. */
export async function replaceReadmeSection(start: string, end: string, content: string): Promise<void> {
  const readme = path.join(HERE, 'README.md');
  const text = await readFile(readme, 'utf8');
  const at = text.indexOf(start);
  const until = text.indexOf(end);
  if (at < 0 || until < at) throw new Error(`${readme} lacks the ${start} … ${end} markers`);
  await writeFile(readme, `${text.slice(0, at)}${start}\n${content}\n${end}${text.slice(until + end.length)}`);
}
