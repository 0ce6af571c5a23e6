/**
 * `npm run bench:kubernetes [-- --kernels=1000 --nodes=100 --concurrency=100 --reps=2 --profile=DIR]`
 * (`--profile`: the gateway's CPU profile of each run's launch window, written into DIR):
 * kernel launches through the gateway's `kubernetes` provisioner onto simulated nodes of the
 * test cluster (pods Running with an IP, no process behind them), against the floor of
 * creating the same pods and Secrets straight through the API server. One table, then
 * results/kubernetes-scale.json and the "Kubernetes scale" section of bench/README.md
 * (other sizes: results/kubernetes-scale-partial.json only).
 */
import { existsSync, readFileSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os, { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import * as k8s from '@kubernetes/client-node';
import type { TEnvironmentSpec } from '../common/environment';
import { environments } from '../db/schema';
import { loadConfig } from '../server/config';
import { toEnvironmentSpec } from '../server/kernels/kernelspecs';
import { namespaceFor } from '../server/provisioners/kubernetes/names';
import { paths, SIMULATED_PLACEMENT, startCluster, type Cluster } from '../tests/cluster/cluster';
import { binDir } from '../tests/cluster/config';
import { createProject, createUserWithToken } from '../tests/helpers/gateway';
import { createTestDatabase, type TTestDatabase } from '../tests/helpers/postgres';
import { testPython } from '../tests/helpers/python';
import { startBenchGateway, type TBenchGateway } from './bench-gateway';
import { findPostmaster } from './process-cpu';
import { pidsOfBinariesIn } from './process-sampler';
import { describeMachine, describeRun, replaceReadmeSection, targetsVerdict } from './report';
import { deleteNamespace, floorPass, gatewayPass, scaleRows, type TPassResult, type TScaleContext } from './scenarios/kubernetes-scale';
import { formatTable } from './table';

const FULL = { kernels: 1000, nodes: 100 };
const { values: args } = parseArgs({
  options: {
    kernels: { type: 'string', default: String(FULL.kernels) },
    nodes: { type: 'string', default: String(FULL.nodes) },
    concurrency: { type: 'string', default: '100' },
    reps: { type: 'string', default: '2' },
    profile: { type: 'string' },
  },
});
const count = Number(args.kernels);
const simulatedNodes = Number(args.nodes);
const concurrency = Number(args.concurrency);
const reps = Number(args.reps);
// A profiled run is slower than a plain one: its numbers never replace the published ones.
const full = count === FULL.kernels && simulatedNodes === FULL.nodes && !args.profile;
const PODS_PER_NODE = 110;
if (![count, simulatedNodes, concurrency, reps].every((n) => Number.isInteger(n) && n > 0)) throw new Error('--kernels, --nodes, --concurrency and --reps take positive integers');
if (count > simulatedNodes * PODS_PER_NODE) throw new Error(`${count} pods do not fit on ${simulatedNodes} nodes of ${PODS_PER_NODE} pods`);

const began = performance.now();
const log = (line: string) => console.log(`[bench:kubernetes ${((performance.now() - began) / 1000).toFixed(0).padStart(4)} s] ${line}`);
const machine = describeMachine(testPython());
const PROJECT_SLUG = 'bench-scale';
const FLOOR_NAMESPACE = 'lattice-bench-floor';

if (args.profile) await mkdir(args.profile, { recursive: true });
const workDir = await mkdtemp(path.join(tmpdir(), 'lattice-bench-k8s-'));
// The gateway's data dir is inside it, and its local sandbox's self-test runs a kernel as another uid.
await chmod(workDir, 0o711);
let cluster: Cluster | null = null;
let gateway: TBenchGateway | null = null;
const databases = new Set<TTestDatabase>();

/** What one gateway run gets: a fresh database (no kernels of earlier runs to reattach or count), a member and the environment. */
interface TGatewayRun {
  database: TTestDatabase;
  token: string;
  owner: { projectId: string; userId: string };
  environment: TEnvironmentSpec;
}

async function prepareGatewayRun(): Promise<TGatewayRun> {
  const database = await createTestDatabase();
  databases.add(database);
  // A member with no quota rows anywhere: every limit is unlimited, so admission never refuses.
  const { user, token } = await createUserWithToken(database.db, { name: 'Bench' });
  const project = await createProject(database.db, { slug: PROJECT_SLUG, name: 'Bench scale', ownerId: user.id });
  const [row] = await database.db
    .insert(environments)
    .values({
      slug: 'bench-simulated',
      name: 'Bench · simulated nodes',
      provisioner: 'kubernetes',
      cpuRequestM: 500,
      cpuLimitM: 1000,
      memoryRequestMib: 1024,
      memoryLimitMib: 2048,
      placement: SIMULATED_PLACEMENT,
    })
    .returning();
  return { database, token, owner: { projectId: project.id, userId: user.id }, environment: toEnvironmentSpec(row) };
}

async function dropDatabase(database: TTestDatabase): Promise<void> {
  databases.delete(database);
  await database.drop();
}

/** The gateway stops its kernels (deleting their pods) on the way out; give it time for a thousand. */
async function stopGateway(): Promise<void> {
  await gateway?.child.stop(120_000);
  await gateway?.stop();
  gateway = null;
}

/** Once, whoever asks first (Ctrl-C or the end of the run): the other waits for the same clean-up. */
let cleaning: Promise<void> | null = null;
function cleanUp(): Promise<void> {
  cleaning ??= (async () => {
    await stopGateway().catch(() => undefined);
    for (const database of [...databases]) await dropDatabase(database).catch(() => undefined);
    await cluster?.stop().catch(() => undefined);
    await rm(workDir, { recursive: true, force: true });
  })();
  return cleaning;
}
process.once('SIGINT', () => void cleanUp().finally(() => process.exit(130)));

try {
  log(`cluster: 2 agent nodes + ${simulatedNodes} simulated nodes`);
  cluster = await startCluster({ nodes: 2, simulatedNodes, log: (line) => log(`[cluster] ${line.split('\n')[0].slice(0, 200)}`) });
  let prepared: TGatewayRun | null = await prepareGatewayRun();

  const settings: Record<string, string> = {
    LATTICE_PROVISIONERS: 'local,kubernetes',
    KUBECONFIG: cluster.kubeconfig,
    // No kernel ever answers on a simulated pod: keep the gateway waiting rather than
    // failing launches (and deleting pods) while the benchmark still measures.
    LATTICE_KERNEL_START_TIMEOUT_S: '3600',
    LATTICE_K8S_LAUNCH_TIMEOUT_S: '3600',
  };
  // The benchmark names pods and namespaces as the gateway will: the defaults, passed explicitly.
  const kubernetes = loadConfig({ DATABASE_URL: prepared.database.url, ...settings }).kubernetes;
  Object.assign(settings, { LATTICE_K8S_NAMESPACE_PREFIX: kubernetes.namespacePrefix, LATTICE_K8S_POD_NAME_PREFIX: kubernetes.podNamePrefix });
  const gatewayNamespace = namespaceFor(kubernetes.namespacePrefix, PROJECT_SLUG);
  const kubeConfig = new k8s.KubeConfig();
  kubeConfig.loadFromFile(cluster.kubeconfig);
  const agentPid = existsSync(paths.agentPid()) ? Number(readFileSync(paths.agentPid(), 'utf8')) : null;
  // The floor builds its pods from the first run's environment and owner (only labels differ between runs).
  const ctx: TScaleContext = {
    kubeConfig,
    core: kubeConfig.makeApiClient(k8s.CoreV1Api),
    count,
    concurrency,
    environment: prepared.environment,
    kubernetes,
    owner: prepared.owner,
    clusterPids: [...pidsOfBinariesIn(binDir()), ...(agentPid === null ? [] : [agentPid])],
    agentPid,
    postgresPid: null,
    db: prepared.database.db,
    log,
  };

  const floors: TPassResult[] = [];
  const gateways: TPassResult[] = [];
  const runFloor = async (rep: number) => {
    log(`floor ${rep + 1}/${reps}: ${count} pods + Secrets straight through the API server, ≤ ${concurrency} in progress`);
    const result = await floorPass(ctx, FLOOR_NAMESPACE);
    log(`floor ${rep + 1}/${reps}: all done in ${result.seconds.toFixed(1)} s`);
    floors.push(result);
  };
  const runGateway = async (rep: number) => {
    const run: TGatewayRun = prepared ?? (await prepareGatewayRun());
    prepared = null;
    gateway = await startBenchGateway({ databaseUrl: run.database.url, token: run.token, python: testPython(), workDir, env: settings });
    log(`gateway ${rep + 1}/${reps}: ${count} × POST /api/kernels, ≤ ${concurrency} in progress`);
    // Each run's database may live on a fresh private Postgres (tests/helpers/postgres.ts stops it on drop).
    const postgresPid = findPostmaster(Number(new URL(run.database.url).port));
    const profileFile = args.profile ? path.join(args.profile, `gateway-launches-${rep + 1}.cpuprofile`) : undefined;
    const result = await gatewayPass({ ...ctx, db: run.database.db, owner: run.owner, environment: run.environment, postgresPid }, gateway, gatewayNamespace, profileFile);
    log(`gateway ${rep + 1}/${reps}: all done in ${result.seconds.toFixed(1)} s; stopping it (it stops its kernels), deleting the namespace`);
    await stopGateway();
    await deleteNamespace(ctx.core, gatewayNamespace);
    await dropDatabase(run.database);
    gateways.push(result);
  };
  // Alternating which side goes first, as every benchmark here does: drifts fall on both sides.
  for (let rep = 0; rep < reps; rep++) {
    if (rep % 2 === 0) {
      await runFloor(rep);
      await runGateway(rep);
    } else {
      await runGateway(rep);
      await runFloor(rep);
    }
  }

  const rows = scaleRows(ctx, floors, gateways);
  const seconds = (performance.now() - began) / 1000;
  const table = formatTable(rows, { floorLabel: 'floor (API server directly)' });
  console.log(`\n${table}\n`);
  machine.load.end = os.loadavg()[0];
  const file = path.join(import.meta.dirname, 'results', full ? 'kubernetes-scale.json' : 'kubernetes-scale-partial.json');
  // Per launch, milliseconds from its start to its pod Running (null: never), in launch order.
  const compact = ({ launches, ...rest }: TPassResult) => ({ ...rest, toRunningMs: launches.map((l) => (l.running === null ? null : Math.round(l.running - l.started))) });
  const samples = { floor: floors.map(compact), gateway: gateways.map(compact) };
  await writeFile(file, `${JSON.stringify({ machine, count, simulatedNodes, concurrency, reps, seconds: Math.round(seconds), rows, samples }, null, 2)}\n`);
  if (full) {
    const sizes = `${count.toLocaleString('en')} launches onto ${simulatedNodes} simulated nodes (+ 2 agent nodes), ≤ ${concurrency} in progress, ${reps} run(s) per side.`;
    await replaceReadmeSection('<!-- kubernetes-scale:start -->', '<!-- kubernetes-scale:end -->', `${describeRun(machine, false, seconds)}  \n${sizes}\n\n${table}\n\n${targetsVerdict(rows)}`);
  }
  log(`results in ${path.relative(process.cwd(), file)}${full ? ' and bench/README.md' : ''}`);
} finally {
  await cleanUp();
}
process.exit(0);
