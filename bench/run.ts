/**
 * `npm run bench [-- --quick] [-- --only=id,id] [-- --profile=DIR] [-- --no-peers]`: every
 * gateway benchmark in one run, each against its floor (the same work straight over ZeroMQ,
 * in this process) and, where the issue compares them, the peers measured with the same client
 * and kernelspec (Lattice with its sandbox off, Enterprise Gateway, jupyter_server); then one
 * table, results/latest.json and the "Latest results" section of bench/README.md.
 * `--quick` runs every scenario at a small size (a smoke run; writes results/quick.json only);
 * `--only` writes results/partial.json only; `--no-peers` measures Lattice and the floor only.
 * `--profile=DIR` runs the gateway processes with `--cpu-prof` into DIR.
 */
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import os, { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { eq } from 'drizzle-orm';
import { DEFAULT_ENVIRONMENT_SLUG } from '../common/environment';
import type { TDb } from '../db/client';
import { environments } from '../db/schema';
import { createUserWithToken } from '../tests/helpers/gateway';
import { createTestDatabase, type TTestDatabase } from '../tests/helpers/postgres';
import { testPython } from '../tests/helpers/python';
import { startBenchGateway, type TBenchGateway } from './bench-gateway';
import { stopAllFloorKernels } from './floor-client';
import { startPeerServer } from './peer-server';
import { findPostmaster } from './process-cpu';
import { describeMachine, writeResults } from './report';
import type { TBaseContext, TBenchContext, TPeer, TScenario, TScenarioRow } from './scenario';
import { concurrentStart } from './scenarios/concurrent-start';
import { executeLatency } from './scenarios/execute-latency';
import { gatewayRss } from './scenarios/gateway-rss';
import { idleMemory } from './scenarios/idle-memory';
import { kernelStart } from './scenarios/kernel-start';
import { messageRate } from './scenarios/message-rate';
import { outputThroughput } from './scenarios/output-throughput';
import { POOLED_ENVIRONMENT, pooledStart } from './scenarios/pooled-start';
import { formatTable, type TTableColumns } from './table';

const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    only: { type: 'string' },
    profile: { type: 'string' },
    'no-peers': { type: 'boolean', default: false },
  },
});
const only = args.only ? new Set(args.only.split(',')) : null;
const wanted = (s: TScenario) => !only || only.has(s.id);
/** The scenarios issue 13 §4 compares across servers; the peers are started only for them. */
const COMPARED = [gatewayRss, kernelStart, executeLatency, messageRate, concurrentStart];
const began = performance.now();
const log = (line: string) => console.log(`[bench ${((performance.now() - began) / 1000).toFixed(0).padStart(4)} s] ${line}`);

const python = testPython();
const machine = describeMachine(python);
if (machine.ipykernel === 'unknown') throw new Error(`${python} has no ipykernel; run npm start once (it creates .data/venv) or set LATTICE_PYTHON`);

const workDir = await mkdtemp(path.join(tmpdir(), 'lattice-bench-'));
// Sandboxed kernels run as uids of their own and must pass through here to their gateway's data dir.
await chmod(workDir, 0o711);
const database = await createTestDatabase();
let sandboxOffDatabase: TTestDatabase | null = null;
let gateway: TBenchGateway | null = null;
const peers: TPeer[] = [];

async function cleanUp(): Promise<void> {
  await stopAllFloorKernels();
  await Promise.all([gateway, ...peers].map((server) => server?.stop().catch(() => undefined)));
  // The main database goes last: with no shared cluster, the first drop stops the private one.
  await database.close().catch(() => undefined);
  await sandboxOffDatabase?.drop().catch(() => undefined);
  await database.drop().catch(() => undefined);
  await rm(workDir, { recursive: true, force: true });
}
process.once('SIGINT', () => void cleanUp().finally(() => process.exit(130)));

/**
 * A user with a token; the kernels' CPU limit is the whole machine, so the gateway's kernels
 * (in a cgroup with a CFS quota) are never throttled below the floor's and the peers'
 * (unlimited) ones; the limit mechanism itself still runs on every launch.
 */
async function prepareDatabase(db: TDb): Promise<string> {
  const { token } = await createUserWithToken(db, { name: 'Bench' });
  await db.update(environments).set({ cpuLimitM: os.availableParallelism() * 1000 }).where(eq(environments.slug, DEFAULT_ENVIRONMENT_SLUG));
  return token;
}

/** Lattice with LATTICE_LOCAL_SANDBOX=off, on a database of its own (two gateways must not share kernel records). */
async function startSandboxOffLattice(): Promise<TPeer> {
  sandboxOffDatabase = await createTestDatabase();
  const token = await prepareDatabase(sandboxOffDatabase.db);
  const gw = await startBenchGateway({ databaseUrl: sandboxOffDatabase.url, token, python, workDir, cpuProfDir: args.profile, env: { LATTICE_LOCAL_SANDBOX: 'off' } });
  return { ...gw, id: 'lattice-sandbox-off', label: 'Lattice, sandbox off', pid: gw.child.pid };
}

/** A failed scenario is a row saying so; the others still run. */
async function attempt(scenario: TScenario, ctx: TBenchContext | TBaseContext): Promise<TScenarioRow[]> {
  log(`${scenario.id}…`);
  const t0 = performance.now();
  try {
    const rows = await scenario.run(ctx as TBenchContext);
    log(`${scenario.id} done in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
    return rows;
  } catch (err) {
    log(`${scenario.id} failed: ${(err as Error).stack ?? err}`);
    const note = `error: ${(err as Error).message}`;
    return [{ id: scenario.id, scenario: scenario.id, unit: '', floor: null, gateway: null, ratio: null, target: '', pass: null, note }];
  }
}

const rows: TScenarioRow[] = [];
try {
  const token = await prepareDatabase(database.db);
  const postgresPid = findPostmaster(Number(new URL(database.url).port));
  if (!args['no-peers'] && COMPARED.some(wanted)) {
    log('starting the peers: Lattice with the sandbox off, Enterprise Gateway, jupyter_server…');
    peers.push(await startSandboxOffLattice(), await startPeerServer('enterprise-gateway', python, workDir), await startPeerServer('jupyter-server', python, workDir));
    log(`peers: ${peers.map((p) => `${p.label} at ${p.url}`).join(', ')}`);
  }
  const base: TBaseContext = { quick: args.quick, python, workDir, db: database.db, databaseUrl: database.url, token, postgresPid, cpuProfDir: args.profile, peers, log };

  // First, on gateways of their own and on peers not yet used, before any pool exists to start kernels in the background.
  for (const scenario of [gatewayRss, idleMemory]) {
    if (wanted(scenario)) rows.push(...(await attempt(scenario, base)));
  }

  // A warm pool is configured before the gateway starts, so it can fill from the start.
  const [defaults] = await database.db.select().from(environments).where(eq(environments.slug, DEFAULT_ENVIRONMENT_SLUG));
  const { id: _id, createdAt: _c, updatedAt: _u, ...template } = defaults;
  await database.db.insert(environments).values({ ...template, slug: POOLED_ENVIRONMENT.slug, name: 'Bench pooled', poolSize: POOLED_ENVIRONMENT.poolSize });

  gateway = await startBenchGateway({ databaseUrl: database.url, token, python, workDir, cpuProfDir: args.profile });
  const ctx: TBenchContext = { ...base, gateway };
  for (const scenario of [pooledStart, kernelStart, executeLatency, outputThroughput, messageRate, concurrentStart]) {
    if (wanted(scenario)) rows.push(...(await attempt(scenario, ctx)));
  }
} finally {
  await cleanUp();
}

const order = ['kernel-start-cold', 'kernel-start-pooled', 'execute-p50', 'execute-p95', 'execute-p99', 'output-throughput', 'message-rate', 'concurrent-start', 'gateway-rss', 'idle-memory'];
rows.sort((a, b) => (order.indexOf(a.id) + 1 || 99) - (order.indexOf(b.id) + 1 || 99));
const seconds = (performance.now() - began) / 1000;
const columns: TTableColumns = { gatewayLabel: 'Lattice', peers };
console.log(`\n${formatTable(rows, columns)}\n`);
const kind = args.quick ? 'quick' : only ? 'partial' : 'full';
const file = await writeResults(rows, machine, kind, seconds, columns);
log(`results in ${path.relative(process.cwd(), file)}${kind === 'full' ? ' and bench/README.md' : ''}`);
process.exit(0);
