/**
 * `npm run bench:kubernetes [-- --kernels=1000 --nodes=100 --concurrency=100 --profile=DIR]`:
 * kernel launches through the gateway's `kubernetes` provisioner onto simulated nodes of the
 * test cluster (pods Running with an IP, no process behind them), against the floor of
 * creating the same pods and Secrets straight through the API server. One table, then
 * results/kubernetes-scale.json and the "Kubernetes scale" section of bench/README.md
 * (other sizes: results/kubernetes-scale-partial.json only).
 */
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os, { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import * as k8s from '@kubernetes/client-node';
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
import { deleteNamespace, floorPass, gatewayPass, scaleRows, type TScaleContext } from './scenarios/kubernetes-scale';
import { formatTable } from './table';

const FULL = { kernels: 1000, nodes: 100 };
const { values: args } = parseArgs({
  options: {
    kernels: { type: 'string', default: String(FULL.kernels) },
    nodes: { type: 'string', default: String(FULL.nodes) },
    concurrency: { type: 'string', default: '100' },
    profile: { type: 'string' },
  },
});
const count = Number(args.kernels);
const simulatedNodes = Number(args.nodes);
const concurrency = Number(args.concurrency);
const full = count === FULL.kernels && simulatedNodes === FULL.nodes;
const PODS_PER_NODE = 110;
if (![count, simulatedNodes, concurrency].every((n) => Number.isInteger(n) && n > 0)) throw new Error('--kernels, --nodes and --concurrency take positive integers');
if (count > simulatedNodes * PODS_PER_NODE) throw new Error(`${count} pods do not fit on ${simulatedNodes} nodes of ${PODS_PER_NODE} pods`);

const began = performance.now();
const log = (line: string) => console.log(`[bench:kubernetes ${((performance.now() - began) / 1000).toFixed(0).padStart(4)} s] ${line}`);
const machine = describeMachine(testPython());
const PROJECT_SLUG = 'bench-scale';
const FLOOR_NAMESPACE = 'lattice-bench-floor';

const workDir = await mkdtemp(path.join(tmpdir(), 'lattice-bench-k8s-'));
let cluster: Cluster | null = null;
let database: TTestDatabase | null = null;
let gateway: TBenchGateway | null = null;

/** The gateway stops its kernels (deleting their pods) on the way out; give it time for a thousand. */
async function stopGateway(): Promise<void> {
  await gateway?.child.stop(120_000);
  await gateway?.stop();
  gateway = null;
}

async function cleanUp(): Promise<void> {
  await stopGateway().catch(() => undefined);
  await database?.drop().catch(() => undefined);
  await cluster?.stop().catch(() => undefined);
  await rm(workDir, { recursive: true, force: true });
}
process.once('SIGINT', () => void cleanUp().finally(() => process.exit(130)));

try {
  log(`cluster: 2 agent nodes + ${simulatedNodes} simulated nodes`);
  cluster = await startCluster({ nodes: 2, simulatedNodes, log: (line) => log(`[cluster] ${line.split('\n')[0].slice(0, 200)}`) });
  database = await createTestDatabase();
  const db = database.db;

  // A member with no quota rows anywhere: every limit is unlimited, so admission never refuses.
  const { user, token } = await createUserWithToken(db, { name: 'Bench' });
  const project = await createProject(db, { slug: PROJECT_SLUG, name: 'Bench scale', ownerId: user.id });
  const [environmentRow] = await db
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

  const settings = {
    LATTICE_PROVISIONERS: 'local,kubernetes',
    KUBECONFIG: cluster.kubeconfig,
    // No kernel ever answers on a simulated pod: keep the gateway waiting rather than
    // failing launches (and deleting pods) while the benchmark still measures.
    LATTICE_KERNEL_START_TIMEOUT_S: '3600',
    LATTICE_K8S_LAUNCH_TIMEOUT_S: '3600',
  };
  const kubernetes = loadConfig({ DATABASE_URL: database.url, ...settings }).kubernetes;
  const kubeConfig = new k8s.KubeConfig();
  kubeConfig.loadFromFile(cluster.kubeconfig);
  const agentPid = existsSync(paths.agentPid()) ? [Number(readFileSync(paths.agentPid(), 'utf8'))] : [];
  const ctx: TScaleContext = {
    kubeConfig,
    core: kubeConfig.makeApiClient(k8s.CoreV1Api),
    count,
    concurrency,
    environment: toEnvironmentSpec(environmentRow),
    kubernetes,
    owner: { projectId: project.id, userId: user.id },
    clusterPids: [...pidsOfBinariesIn(binDir()), ...agentPid],
    postgresPid: findPostmaster(Number(new URL(database.url).port)),
    log,
  };

  log(`floor: ${count} pods + Secrets straight through the API server, ≤ ${concurrency} in progress`);
  const floor = await floorPass(ctx, FLOOR_NAMESPACE);
  log(`floor done in ${floor.seconds.toFixed(1)} s`);

  gateway = await startBenchGateway({ databaseUrl: database.url, token, python: testPython(), workDir, cpuProfDir: args.profile, env: settings });
  log(`gateway: ${count} × POST /api/kernels, ≤ ${concurrency} in progress`);
  const gatewayResult = await gatewayPass(ctx, gateway, namespaceFor(kubernetes.namespacePrefix, PROJECT_SLUG));
  log(`gateway done in ${gatewayResult.seconds.toFixed(1)} s; stopping it (it stops its ${count} kernels) and deleting the namespace`);
  await stopGateway();
  await deleteNamespace(ctx.core, namespaceFor(kubernetes.namespacePrefix, PROJECT_SLUG));

  const rows = scaleRows(ctx, floor, gatewayResult);
  const seconds = (performance.now() - began) / 1000;
  const table = formatTable(rows, 'floor (API server directly)');
  console.log(`\n${table}\n`);
  machine.load.end = os.loadavg()[0];
  const file = path.join(import.meta.dirname, 'results', full ? 'kubernetes-scale.json' : 'kubernetes-scale-partial.json');
  // Per launch, milliseconds from its start to its pod Running (null: never), in launch order.
  const compact = ({ launches, ...rest }: typeof floor) => ({ ...rest, toRunningMs: launches.map((l) => (l.running === null ? null : Math.round(l.running - l.started))) });
  const samples = { floor: compact(floor), gateway: compact(gatewayResult) };
  await writeFile(file, `${JSON.stringify({ machine, count, simulatedNodes, concurrency, seconds: Math.round(seconds), rows, samples }, null, 2)}\n`);
  if (full) {
    const sizes = `${count.toLocaleString('en')} launches onto ${simulatedNodes} simulated nodes (+ 2 agent nodes), ≤ ${concurrency} in progress.`;
    await replaceReadmeSection('<!-- kubernetes-scale:start -->', '<!-- kubernetes-scale:end -->', `${describeRun(machine, false, seconds)}  \n${sizes}\n\n${table}\n\n${targetsVerdict(rows)}`);
  }
  log(`results in ${path.relative(process.cwd(), file)}${full ? ' and bench/README.md' : ''}`);
} finally {
  await cleanUp();
}
process.exit(0);
