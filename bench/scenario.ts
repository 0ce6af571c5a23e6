import type { TDb } from '../db/client';
import type { TBenchGateway } from './bench-gateway';
import type { TGatewayEndpoint } from './gateway-client';

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
  /** The comparison targets, running and idle (empty with --no-peers). */
  peers: readonly TPeer[];
  log(line: string): void;
}

/** …and the gateway most scenarios share (idle memory starts a fresh one of its own). */
export interface TBenchContext extends TBaseContext {
  gateway: TBenchGateway;
}

/** The servers measured beside Lattice with the same client and the same kernelspec. */
export const PEER_IDS = ['lattice-sandbox-off', 'enterprise-gateway', 'jupyter-server'] as const;
export type TPeerId = (typeof PEER_IDS)[number];

/** A comparison target: something serving the Jupyter kernel API (REST + websocket) on 127.0.0.1. */
export interface TPeer extends TGatewayEndpoint {
  id: TPeerId;
  /** Column heading, with the version measured. */
  label: string;
  /** The server process (its RSS is the "gateway RSS" row). */
  pid: number;
  /** Stops its kernels and the process, removes its files. */
  stop(): Promise<void>;
}

/** One row of the results table. `ratio` is gateway ÷ floor; `pass` null = no target or not measured. */
export interface TScenarioRow {
  id: string;
  scenario: string;
  unit: string;
  floor: number | null;
  gateway: number | null;
  ratio: number | null;
  /** The comparison targets' figures for the same measurement (absent: not measured on them). */
  peers?: Partial<Record<TPeerId, number | null>>;
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
 * Runs every side `reps` times, rotating which goes first, so slow drifts of a noisy machine
 * fall on all sides equally.
 */
export async function alternate<K extends string, T>(reps: number, sides: { [k in K]?: () => Promise<T> }): Promise<Record<K, T[]>> {
  const entries = Object.entries(sides) as [K, () => Promise<T>][];
  const out = Object.fromEntries(entries.map(([id]) => [id, [] as T[]])) as Record<K, T[]>;
  for (let i = 0; i < reps; i++) {
    for (let j = 0; j < entries.length; j++) {
      const [id, run] = entries[(i + j) % entries.length];
      out[id].push(await run());
    }
  }
  return out;
}

/** One side per peer, each running `f` against that peer. */
export function peerSides<T>(peers: readonly TPeer[], f: (peer: TPeer) => () => Promise<T>): Partial<Record<TPeerId, () => Promise<T>>> {
  return Object.fromEntries(peers.map((p) => [p.id, f(p)]));
}

/** Each peer's figure from its runs (null for a peer without runs). */
export function peerFigures<T>(peers: readonly Pick<TPeer, 'id'>[], runs: Partial<Record<TPeerId, T[]>>, figure: (runs: T[]) => number): Partial<Record<TPeerId, number | null>> {
  return Object.fromEntries(peers.map((p) => [p.id, runs[p.id]?.length ? figure(runs[p.id] as T[]) : null]));
}

export function ratioOf(gateway: number | null, floor: number | null): number | null {
  return gateway === null || floor === null || floor === 0 ? null : gateway / floor;
}
