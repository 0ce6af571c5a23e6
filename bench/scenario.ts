import type { TDb } from '../db/client';
import type { TBenchGateway } from './bench-gateway';

/** What every scenario gets: sizes, the Python kernels run with, the database. */
export interface TBaseContext {
  quick: boolean;
  python: string;
  /** Scratch space for floor kernels and extra gateways; removed at the end. */
  workDir: string;
  db: TDb;
  databaseUrl: string;
  token: string;
  /** PID of the Postgres postmaster the gateway uses (for its CPU time), if found. */
  postgresPid: number | null;
  /** Where `--profile` writes gateway CPU profiles, if set. */
  cpuProfDir?: string;
  log(line: string): void;
}

/** …and the gateway most scenarios share (idle memory starts a fresh one of its own). */
export interface TBenchContext extends TBaseContext {
  gateway: TBenchGateway;
}

/** One row of the results table. `ratio` is gateway ÷ floor; `pass` null = no target or not measured. */
export interface TScenarioRow {
  id: string;
  scenario: string;
  unit: string;
  floor: number | null;
  gateway: number | null;
  ratio: number | null;
  target: string;
  pass: boolean | null;
  /** Correctness findings, "not measured: …" or why a target was missed. */
  note: string;
  /** Raw per-run numbers, for results/latest.json. */
  samples?: Record<string, unknown>;
}

export interface TScenario {
  id: string;
  run(ctx: TBenchContext): Promise<TScenarioRow[]>;
}

/**
 * Runs floor and gateway `reps` times each, alternating which goes first, so slow drifts of
 * a noisy machine fall on both sides equally.
 */
export async function alternate<T>(reps: number, floor: () => Promise<T>, gateway: () => Promise<T>): Promise<{ floor: T[]; gateway: T[] }> {
  const out = { floor: [] as T[], gateway: [] as T[] };
  for (let i = 0; i < reps; i++) {
    if (i % 2 === 0) {
      out.floor.push(await floor());
      out.gateway.push(await gateway());
    } else {
      out.gateway.push(await gateway());
      out.floor.push(await floor());
    }
  }
  return out;
}

export function ratioOf(gateway: number | null, floor: number | null): number | null {
  return gateway === null || floor === null || floor === 0 ? null : gateway / floor;
}
