import { randomUUID } from 'node:crypto';
import type * as k8s from '@kubernetes/client-node';
import { and, eq, inArray } from 'drizzle-orm';
import type { TEnvironmentSpec } from '../../common/environment';
import type { TDb } from '../../db/client';
import { kernelEvents, kernels } from '../../db/schema';
import type { TKubernetesConfig } from '../../server/config';
import type { TConnectionInfo } from '../../server/zmq/connection-info';
import { KERNEL_PORTS, connectionSecretManifest, kernelPodManifest } from '../../server/provisioners/kubernetes/pod-manifest';
import { projectFilesClaimManifest } from '../../server/provisioners/kubernetes/project-volumes';
import type { TBenchGateway } from '../bench-gateway';
import { driveLaunches, type TLaunch } from '../launch-driver';
import { PodWatch } from '../pod-watch';
import type { TMemoryReading } from '../process-memory';
import { sampleCpu, sampleProcess, type TProcessUse } from '../process-sampler';
import { ratioOf, type TScenarioRow } from '../scenario';
import { median, percentile } from '../stats';

/** The KERNEL_* variable by which the benchmark recognises each launch's pod (KERNEL_* reach the pod's env). */
export const SEQ_VARIABLE = 'KERNEL_BENCH_SEQ';
/** The aims of issue 6 §5. */
export const AIM_ALL_RUNNING_S = 60;
export const AIM_GATEWAY_RSS_MB = 300;

export interface TScaleContext {
  kubeConfig: k8s.KubeConfig;
  core: k8s.CoreV1Api;
  count: number;
  concurrency: number;
  /** The benchmark environment (provisioner `kubernetes`, placed on the simulated nodes). */
  environment: TEnvironmentSpec;
  kubernetes: Readonly<TKubernetesConfig>;
  owner: { projectId: string; userId: string };
  /** The control plane's processes (API server, etcd, scheduler, controller manager, kwok) and the pod agent. */
  clusterPids: readonly number[];
  /** The pod agent (among clusterPids): it lists every pod twice a second, so its cost grows with pods × time. */
  agentPid: number | null;
  postgresPid: number | null;
  db: TDb;
  log(line: string): void;
}

/** One pass (floor or gateway) over `count` launches. */
export interface TPassResult {
  launches: TLaunch[];
  /** Wall time from the first launch to the last pod Running (or the last launch's end). */
  seconds: number;
  clusterCpuSeconds: number;
  agentCpuSeconds: number | null;
  postgresCpuSeconds: number | null;
  /** The gateway process (gateway pass only). */
  gateway: TProcessUse | null;
  /** Times the benchmark's own pod watch had to be reopened (normally 0). */
  watchRestarts: number;
  /** Gateway pass: medians (ms) of the gateway's steps up to the pod's creation, from its kernel records. */
  gatewaySteps: TGatewaySteps | null;
  /** Gateway pass: cores the gateway used in the seconds after the last pod ran, with every kernel still waiting for its kernel_info_reply. */
  waitingCores: number | null;
  /** Gateway pass: its memory after full collections, before the first launch and once all pods ran. */
  settled: { before: TMemoryReading; after: TMemoryReading } | null;
}

/** Where a gateway launch spends its time before the pod exists (medians, ms). */
export interface TGatewaySteps {
  /** POST sent → `kernels.requested_at` (HTTP, authentication, project and environment lookup). */
  received: number;
  /** → the `provisioning` event (admission: waiting for the user's and project's locks, measuring usage, inserting). */
  admitted: number;
  /** → the pod seen by the watch (quota mirror check, pod create). */
  podCreated: number;
  /** launch → pod exists for the first and the last tenth of the launches. */
  firstTenth: number;
  lastTenth: number;
}

const LAUNCH_TIMEOUT_MS = 180_000;

function seqOf(pod: k8s.V1Pod): string | null {
  return pod.spec?.containers?.[0]?.env?.find((e) => e.name === SEQ_VARIABLE)?.value ?? null;
}

/** Deletes a namespace and waits until it (and so every pod in it) is gone. */
export async function deleteNamespace(core: k8s.CoreV1Api, name: string, timeoutMs = 300_000): Promise<void> {
  try {
    await core.deleteNamespace({ name });
  } catch (err) {
    if ((err as { code?: number }).code === 404) return;
    throw err;
  }
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      await core.readNamespace({ name });
    } catch (err) {
      if ((err as { code?: number }).code === 404) return;
      throw err;
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`namespace ${name} still exists after ${timeoutMs / 1000} s`);
}

async function measure(ctx: TScaleContext, namespace: string, launch: (i: number) => Promise<unknown>, gatewayPid: number | null): Promise<TPassResult> {
  const watch = await PodWatch.start(ctx.kubeConfig, namespace, seqOf);
  const cluster = sampleCpu(ctx.clusterPids);
  const agent = ctx.agentPid === null ? null : sampleCpu([ctx.agentPid]);
  const postgres = ctx.postgresPid === null ? null : sampleCpu([ctx.postgresPid]);
  const gateway = gatewayPid === null ? null : sampleProcess(gatewayPid);
  const began = performance.now();
  try {
    const launches = await driveLaunches({ count: ctx.count, concurrency: ctx.concurrency, watch, launch, timeoutMs: LAUNCH_TIMEOUT_MS });
    const seconds = (performance.now() - began) / 1000;
    return {
      launches,
      seconds,
      gatewaySteps: null,
      waitingCores: null,
      settled: null,
      clusterCpuSeconds: cluster.stop(),
      agentCpuSeconds: agent?.stop() ?? null,
      postgresCpuSeconds: postgres?.stop() ?? null,
      gateway: gateway?.stop() ?? null,
      watchRestarts: watch.restarts,
    };
  } finally {
    watch.stop();
  }
}

/**
 * FLOOR: what the provisioner asks of the API server, without the gateway: for each launch
 * the same kernel pod and then its connection Secret (owned by the pod), built by the
 * provisioner's own manifest functions, in a namespace set up beforehand as the gateway sets
 * up a project's (namespace + kernel ServiceAccount).
 */
export async function floorPass(ctx: TScaleContext, namespace: string): Promise<TPassResult> {
  const { core } = ctx;
  await core.createNamespace({ body: { metadata: { name: namespace } } });
  await core.createNamespacedServiceAccount({ namespace, body: { metadata: { name: ctx.kubernetes.serviceAccount } } });
  // Kernel pods mount their project's files: without the claim the scheduler holds them back.
  await core.createNamespacedPersistentVolumeClaim({ namespace, body: projectFilesClaimManifest(namespace, ctx.owner.projectId, ctx.kubernetes.projectStorage) });
  const launch = async (i: number) => {
    const kernelId = randomUUID();
    const podName = `${ctx.kubernetes.podNamePrefix}${kernelId}`;
    const manifest = kernelPodManifest({
      namespace,
      podName,
      kernelId,
      owner: ctx.owner,
      environment: ctx.environment,
      config: ctx.kubernetes,
      env: { KERNEL_PROJECT: ctx.owner.projectId, [SEQ_VARIABLE]: String(i) },
      sparkConf: null,
    });
    const pod = await core.createNamespacedPod({ namespace, body: manifest });
    const connection: TConnectionInfo = { transport: 'tcp', ip: '0.0.0.0', ...KERNEL_PORTS, key: randomUUID(), signature_scheme: 'hmac-sha256', kernel_name: ctx.environment.slug };
    await core.createNamespacedSecret({
      namespace,
      body: connectionSecretManifest({ namespace, name: podName, uid: pod.metadata!.uid!, labels: manifest.metadata!.labels! }, connection),
    });
  };
  try {
    return await measure(ctx, namespace, launch, null);
  } finally {
    await deleteNamespace(core, namespace);
  }
}

/**
 * GATEWAY: `POST /api/kernels` for the benchmark environment. Each request stays open while
 * the gateway waits for a kernel_info_reply that a simulated pod never sends; the pass ends
 * when every pod is Running. The caller then stops the gateway and deletes the namespace.
 * With `profileFile`, the gateway's CPU profile of exactly the launches is written there.
 */
export async function gatewayPass(ctx: TScaleContext, gateway: TBenchGateway, namespace: string, profileFile?: string): Promise<TPassResult> {
  const launch = async (i: number) => {
    const res = await fetch(`${gateway.url}/api/kernels`, {
      method: 'POST',
      headers: { authorization: `token ${gateway.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: ctx.environment.slug, env: { KERNEL_PROJECT: ctx.owner.projectId, [SEQ_VARIABLE]: String(i) } }),
    });
    if (!res.ok) throw new Error(`POST /api/kernels answered ${res.status}: ${await res.text()}`);
  };
  const before = await gateway.child.memory();
  if (profileFile) await gateway.child.ask({ type: 'profile', action: 'start' }, 'profile');
  const result = await measure(ctx, namespace, launch, gateway.child.pid);
  if (profileFile) await gateway.child.ask({ type: 'profile', action: 'stop', file: profileFile }, 'profile');
  const waiting = sampleCpu([gateway.child.pid]);
  await new Promise((r) => setTimeout(r, WAITING_SAMPLE_MS));
  const waitingCores = waiting.stop() / (WAITING_SAMPLE_MS / 1000);
  const settled = { before, after: await gateway.child.memory() };
  // Failures so far belong to the run; the connection resets of the coming shutdown do not.
  const launches = structuredClone(result.launches);
  return { ...result, launches, waitingCores, settled, gatewaySteps: await gatewaySteps(ctx, launches) };
}

/** How long the gateway's CPU is sampled once every pod runs (its kernels never answer). */
const WAITING_SAMPLE_MS = 5000;

/**
 * Splits the gateway's launch → pod exists by what its records say: `requested_at` is set
 * when the kernel manager starts the launch, the `provisioning` event is written when
 * admission has let it through (`at` is the start of that write's transaction).
 */
async function gatewaySteps(ctx: TScaleContext, launches: TLaunch[]): Promise<TGatewaySteps> {
  const ids = launches.filter((l) => l.pod).map((l) => l.pod!.slice(ctx.kubernetes.podNamePrefix.length));
  const rows = await ctx.db
    .select({ id: kernels.id, requestedAt: kernels.requestedAt, provisioningAt: kernelEvents.at })
    .from(kernels)
    .innerJoin(kernelEvents, and(eq(kernelEvents.kernelId, kernels.id), eq(kernelEvents.toState, 'provisioning')))
    .where(inArray(kernels.id, ids));
  const byId = new Map(rows.map((r) => [r.id, r]));
  const epoch = (t: number) => performance.timeOrigin + t;
  const received: number[] = [];
  const admitted: number[] = [];
  const podCreated: number[] = [];
  for (const l of launches) {
    const row = l.pod ? byId.get(l.pod.slice(ctx.kubernetes.podNamePrefix.length)) : undefined;
    if (!row || l.created === null) continue;
    received.push(row.requestedAt.getTime() - epoch(l.started));
    admitted.push(row.provisioningAt.getTime() - row.requestedAt.getTime());
    podCreated.push(epoch(l.created) - row.provisioningAt.getTime());
  }
  const tenth = Math.max(1, Math.floor(launches.length / 10));
  const toCreated = (part: TLaunch[]) => percentile(part.filter((l) => l.created !== null).map((l) => l.created! - l.started), 50);
  return {
    received: percentile(received, 50),
    admitted: percentile(admitted, 50),
    podCreated: percentile(podCreated, 50),
    firstTenth: toCreated(launches.slice(0, tenth)),
    lastTenth: toCreated(launches.slice(-tenth)),
  };
}

interface TPassSummary {
  running: number;
  errors: string[];
  createdPerSecond: number;
  p50: number;
  p95: number;
  /** Medians (ms) of each step: launch → pod object exists → bound to a node → Running. */
  created: number;
  scheduled: number;
  toRunning: number;
  allRunningS: number | null;
}

function summarize(pass: TPassResult): TPassSummary {
  const { launches } = pass;
  const first = Math.min(...launches.map((l) => l.started));
  const created = launches.map((l) => l.created).filter((t): t is number => t !== null);
  const toRunning = launches.filter((l) => l.running !== null).map((l) => l.running! - l.started);
  const complete = launches.filter((l) => l.created !== null && l.scheduled !== null && l.running !== null);
  const step = (from: (l: TLaunch) => number, to: (l: TLaunch) => number) => percentile(complete.map((l) => to(l) - from(l)), 50);
  return {
    running: toRunning.length,
    errors: launches.map((l) => l.error).filter((e): e is string => e !== null),
    createdPerSecond: created.length ? created.length / ((Math.max(...created) - first) / 1000) : 0,
    p50: percentile(toRunning, 50),
    p95: percentile(toRunning, 95),
    created: step((l) => l.started, (l) => l.created!),
    scheduled: step((l) => l.created!, (l) => l.scheduled!),
    toRunning: step((l) => l.scheduled!, (l) => l.running!),
    allRunningS: toRunning.length === launches.length ? (Math.max(...launches.map((l) => l.running!)) - first) / 1000 : null,
  };
}

/** Per run, how many failed, and the first error of each side (messages shortened). */
function firstErrors(f: TPassSummary[], g: TPassSummary[]): string {
  const side = (name: string, summaries: TPassSummary[]) => {
    const first = summaries.flatMap((s) => s.errors)[0];
    return `${name} ${summaries.map((s) => s.errors.length).join('/')}${first ? ` (first: ${first.slice(0, 240)})` : ''}`;
  };
  return `per run: ${side('floor', f)}, ${side('gateway', g)}`;
}

/** Median over the runs of one side; null when any run lacks the value (e.g. not all pods ran). */
function medianOf<T>(items: readonly T[], pick: (item: T) => number | null): number | null {
  const values = items.map(pick);
  return values.some((v) => v === null) ? null : median(values as number[]);
}

const ms = (v: number | null) => (v === null ? '—' : `${Math.round(v).toLocaleString('en')} ms`);

function gatewayStepsNote(passes: readonly TPassResult[]): string {
  const steps = passes.map((p) => p.gatewaySteps).filter((s): s is TGatewaySteps => s !== null);
  const at = (pick: (s: TGatewaySteps) => number) => ms(medianOf(steps, pick));
  return (
    `gateway p50 by step: POST → launch begins ${at((s) => s.received)}, admission ${at((s) => s.admitted)}, ` +
    `quota mirror check + pod create ${at((s) => s.podCreated)}; first tenth of the launches ${at((s) => s.firstTenth)}, last tenth ${at((s) => s.lastTenth)}; floor: pod create`
  );
}

/** What a full GC leaves: JS heap and external memory before and after, per kernel. */
function settledNote(gateways: readonly TPassResult[], count: number): string {
  const settled = gateways.map((p) => p.settled).filter((s): s is NonNullable<TPassResult['settled']> => s !== null);
  const mb = (pick: (s: (typeof settled)[number]) => number) => (medianOf(settled, pick)! / 1e6).toFixed(0);
  const perKernel = (medianOf(settled, (s) => s.after.heapUsed - s.before.heapUsed)! / count / 1e3).toFixed(0);
  return (
    `after full GCs: RSS ${mb((s) => s.before.rss)} → ${mb((s) => s.after.rss)} MB, JS heap ${mb((s) => s.before.heapUsed)} → ${mb((s) => s.after.heapUsed)} MB ` +
    `(${perKernel} KB per kernel), external ${mb((s) => s.before.external)} → ${mb((s) => s.after.external)} MB`
  );
}

const row = (r: Omit<TScenarioRow, 'ratio'> & { ratio?: number | null }): TScenarioRow => ({ ...r, ratio: r.ratio === undefined ? ratioOf(r.gateway, r.floor) : r.ratio });

/**
 * The table rows, medians over the runs of each side: floor vs gateway, and the gateway's
 * own memory and CPU against the aims.
 */
export function scaleRows(ctx: Pick<TScaleContext, 'count' | 'concurrency'>, floors: readonly TPassResult[], gateways: readonly TPassResult[]): TScenarioRow[] {
  const f = floors.map(summarize);
  const g = gateways.map(summarize);
  const both = (pick: (s: TPassSummary) => number | null) => ({ floor: medianOf(f, pick), gateway: medianOf(g, pick) });
  const n = ctx.count.toLocaleString('en');
  const runs = `median of ${gateways.length} run(s) per side`;
  const restarts = [...floors, ...gateways].reduce((sum, p) => sum + p.watchRestarts, 0);
  const notes = restarts ? `; the benchmark's watch was reopened ${restarts} time(s)` : '';
  const running = (summaries: TPassSummary[]) => summaries.map((s) => s.running).join('/');
  const uses = gateways.map((p) => p.gateway!);
  const rssPeak = median(uses.map((u) => u.rssPeakMb));
  const allRunning = both((s) => s.allRunningS);
  return [
    row({
      id: 'k8s-launch-rate',
      scenario: `launches per second (pods created), ${n} launches, ≤ ${ctx.concurrency} in progress`,
      unit: 'launches/s',
      ...both((s) => s.createdPerSecond),
      target: '—',
      pass: null,
      note: `${runs}; pods Running per run: floor ${running(f)}, gateway ${running(g)}${notes}`,
    }),
    row({
      id: 'k8s-failed',
      scenario: 'launches that failed (no Running pod, or an error answer, by the end of the run)',
      unit: 'launches',
      floor: median(f.map((s) => s.errors.length)),
      gateway: median(g.map((s) => s.errors.length)),
      ratio: null,
      target: '0',
      pass: g.every((s) => s.errors.length === 0),
      note: firstErrors(f, g),
    }),
    row({
      id: 'k8s-running-p50',
      scenario: 'launch → pod Running, p50',
      unit: 'ms',
      ...both((s) => s.p50),
      target: '—',
      pass: null,
      note: "gateway: from sending POST /api/kernels; floor: from creating the pod; both seen by the benchmark's own watch",
    }),
    row({ id: 'k8s-running-p95', scenario: 'launch → pod Running, p95', unit: 'ms', ...both((s) => s.p95), target: '—', pass: null, note: 'as p50' }),
    row({
      id: 'k8s-step-created',
      scenario: '… of which launch → pod object exists, p50',
      unit: 'ms',
      ...both((s) => s.created),
      target: '—',
      pass: null,
      note: gatewayStepsNote(gateways),
    }),
    row({ id: 'k8s-step-scheduled', scenario: '… pod exists → bound to a node (scheduler), p50', unit: 'ms', ...both((s) => s.scheduled), target: '—', pass: null, note: '' }),
    row({ id: 'k8s-step-running', scenario: '… bound → Running (kwok), p50', unit: 'ms', ...both((s) => s.toRunning), target: '—', pass: null, note: '' }),
    row({
      id: 'k8s-all-running',
      scenario: `all ${n} pods Running`,
      unit: 's',
      ...allRunning,
      target: `≤ ${AIM_ALL_RUNNING_S} s`,
      pass: allRunning.gateway !== null && allRunning.gateway <= AIM_ALL_RUNNING_S,
      note: `from the first launch to the last pod Running; gateway runs: ${g.map((s) => (s.allRunningS === null ? 'not all' : `${s.allRunningS.toFixed(1)} s`)).join(', ')}`,
    }),
    row({
      id: 'k8s-gateway-rss',
      scenario: 'gateway RSS, peak during the launches',
      unit: 'MB',
      floor: null,
      gateway: rssPeak,
      ratio: null,
      target: `< ${AIM_GATEWAY_RSS_MB} MB`,
      pass: rssPeak < AIM_GATEWAY_RSS_MB,
      note:
        `sampled every 100 ms; peaks ${uses.map((u) => u.rssPeakMb.toFixed(0)).join(', ')} MB; before the first launch ${uses.map((u) => u.rssStartMb.toFixed(0)).join(', ')} MB; ` +
        settledNote(gateways, ctx.count),
    }),
    row({
      id: 'k8s-gateway-cpu',
      scenario: 'gateway CPU (user + system) during the launches',
      unit: 's',
      floor: null,
      gateway: median(uses.map((u) => u.cpuSeconds)),
      ratio: null,
      target: '—',
      pass: null,
      note:
        `${median(gateways.map((p, i) => uses[i].cpuSeconds / p.seconds)).toFixed(2)} cores on average; ` +
        `${((median(uses.map((u) => u.cpuSeconds)) * 1e3) / ctx.count).toFixed(1)} ms per launch; Postgres ${medianOf(gateways, (p) => p.postgresCpuSeconds)?.toFixed(1) ?? '?'} s`,
    }),
    row({
      id: 'k8s-gateway-waiting-cpu',
      scenario: 'gateway CPU afterwards, its kernels waiting for their first reply',
      unit: 'cores',
      floor: null,
      gateway: medianOf(gateways, (p) => p.waitingCores),
      ratio: null,
      target: '—',
      pass: null,
      note:
        `${WAITING_SAMPLE_MS / 1000} s after the last pod ran, ${g.map((s) => ctx.count - s.errors.length).join('/')} kernels waiting; ` +
        "nothing listens at a simulated pod's IP, so each kernel's 3 ZeroMQ sockets keep reconnecting",
    }),
    row({
      id: 'k8s-cluster-cpu',
      scenario: 'control plane + pod agent CPU during the launches',
      unit: 's',
      floor: medianOf(floors, (p) => p.clusterCpuSeconds),
      gateway: medianOf(gateways, (p) => p.clusterCpuSeconds),
      target: '—',
      pass: null,
      note:
        `API server, etcd, scheduler, controller manager, kwok, pod agent; of which the pod agent (lists all pods every 500 ms): ` +
        `floor ${medianOf(floors, (p) => p.agentCpuSeconds)?.toFixed(1) ?? '?'} s, gateway ${medianOf(gateways, (p) => p.agentCpuSeconds)?.toFixed(1) ?? '?'} s`,
    }),
  ];
}
