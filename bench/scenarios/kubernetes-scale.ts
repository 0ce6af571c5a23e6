import { randomUUID } from 'node:crypto';
import type * as k8s from '@kubernetes/client-node';
import type { TEnvironmentSpec } from '../../common/environment';
import type { TKubernetesConfig } from '../../server/config';
import type { TConnectionInfo } from '../../server/provisioners/provisioner';
import { KERNEL_PORTS, connectionSecretManifest, kernelPodManifest } from '../../server/provisioners/kubernetes/pod-manifest';
import type { TBenchGateway } from '../bench-gateway';
import { driveLaunches, type TLaunch } from '../launch-driver';
import { PodWatch } from '../pod-watch';
import { sampleCpu, sampleProcess, type TProcessUse } from '../process-sampler';
import { ratioOf, type TScenarioRow } from '../scenario';
import { percentile } from '../stats';

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
  postgresPid: number | null;
  log(line: string): void;
}

/** One pass (floor or gateway) over `count` launches. */
export interface TPassResult {
  launches: TLaunch[];
  /** Wall time from the first launch to the last pod Running (or the last launch's end). */
  seconds: number;
  clusterCpuSeconds: number;
  postgresCpuSeconds: number | null;
  /** The gateway process (gateway pass only). */
  gateway: TProcessUse | null;
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
  const postgres = ctx.postgresPid === null ? null : sampleCpu([ctx.postgresPid]);
  const gateway = gatewayPid === null ? null : sampleProcess(gatewayPid);
  const began = performance.now();
  try {
    const launches = await driveLaunches({ count: ctx.count, concurrency: ctx.concurrency, watch, launch, timeoutMs: LAUNCH_TIMEOUT_MS });
    const seconds = (performance.now() - began) / 1000;
    return { launches, seconds, clusterCpuSeconds: cluster.stop(), postgresCpuSeconds: postgres?.stop() ?? null, gateway: gateway?.stop() ?? null };
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
 */
export async function gatewayPass(ctx: TScaleContext, gateway: TBenchGateway, namespace: string): Promise<TPassResult> {
  const launch = async (i: number) => {
    const res = await fetch(`${gateway.url}/api/kernels`, {
      method: 'POST',
      headers: { authorization: `token ${gateway.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: ctx.environment.slug, env: { KERNEL_PROJECT: ctx.owner.projectId, [SEQ_VARIABLE]: String(i) } }),
    });
    if (!res.ok) throw new Error(`POST /api/kernels answered ${res.status}: ${await res.text()}`);
  };
  return measure(ctx, namespace, launch, gateway.child.pid);
}

interface TPassSummary {
  running: number;
  /** Medians (ms) of each step: launch → pod object exists → bound to a node → Running. */
  steps: { created: number; scheduled: number; running: number };
  errors: string[];
  createdPerSecond: number;
  p50: number;
  p95: number;
  allRunningS: number | null;
}

function summarize(pass: TPassResult): TPassSummary {
  const { launches } = pass;
  const first = Math.min(...launches.map((l) => l.started));
  const created = launches.map((l) => l.created).filter((t): t is number => t !== null);
  const toRunning = launches.filter((l) => l.running !== null).map((l) => l.running! - l.started);
  const errors = launches.map((l) => l.error).filter((e): e is string => e !== null);
  const allRan = toRunning.length === launches.length;
  const complete = launches.filter((l) => l.created !== null && l.scheduled !== null && l.running !== null);
  const step = (from: (l: TLaunch) => number, to: (l: TLaunch) => number) => percentile(complete.map((l) => to(l) - from(l)), 50);
  return {
    running: toRunning.length,
    steps: {
      created: step((l) => l.started, (l) => l.created!),
      scheduled: step((l) => l.created!, (l) => l.scheduled!),
      running: step((l) => l.scheduled!, (l) => l.running!),
    },
    errors,
    createdPerSecond: created.length ? created.length / ((Math.max(...created) - first) / 1000) : 0,
    p50: percentile(toRunning, 50),
    p95: percentile(toRunning, 95),
    allRunningS: allRan ? (Math.max(...launches.map((l) => l.running!)) - first) / 1000 : null,
  };
}

const row = (r: Omit<TScenarioRow, 'ratio'> & { ratio?: number | null }): TScenarioRow => ({ ...r, ratio: r.ratio === undefined ? ratioOf(r.gateway, r.floor) : r.ratio });

/** The table rows: floor vs gateway, and the gateway's own memory and CPU against the aims. */
export function scaleRows(ctx: Pick<TScaleContext, 'count' | 'concurrency'>, floor: TPassResult, gateway: TPassResult): TScenarioRow[] {
  const f = summarize(floor);
  const g = summarize(gateway);
  const n = ctx.count.toLocaleString('en');
  const failures = (s: TPassSummary, side: string) => (s.errors.length ? `; ${side}: ${s.errors.length} launch(es) failed, first: ${s.errors[0]}` : '');
  const failed = failures(f, 'floor') + failures(g, 'gateway');
  const use = gateway.gateway!;
  const cores = use.cpuSeconds / gateway.seconds;
  return [
    row({
      id: 'k8s-launch-rate',
      scenario: `launches per second (pods created), ${n} launches, ≤ ${ctx.concurrency} in progress`,
      unit: 'launches/s',
      floor: f.createdPerSecond,
      gateway: g.createdPerSecond,
      ratio: f.createdPerSecond ? g.createdPerSecond / f.createdPerSecond : null,
      target: '—',
      pass: null,
      note: `pods Running: floor ${f.running}, gateway ${g.running}${failed}`,
    }),
    row({
      id: 'k8s-running-p50',
      scenario: 'launch → pod Running, p50',
      unit: 'ms',
      floor: f.p50,
      gateway: g.p50,
      target: '—',
      pass: null,
      note: 'gateway: from sending POST /api/kernels; floor: from creating the pod; both seen by the benchmark\'s own watch',
    }),
    row({ id: 'k8s-running-p95', scenario: 'launch → pod Running, p95', unit: 'ms', floor: f.p95, gateway: g.p95, target: '—', pass: null, note: 'as p50' }),
    row({
      id: 'k8s-step-created',
      scenario: '… of which launch → pod object exists, p50',
      unit: 'ms',
      floor: f.steps.created,
      gateway: g.steps.created,
      target: '—',
      pass: null,
      note: 'gateway: admission, namespace set-up, quota mirror check, pod create; floor: pod create',
    }),
    row({ id: 'k8s-step-scheduled', scenario: '… pod exists → bound to a node (scheduler), p50', unit: 'ms', floor: f.steps.scheduled, gateway: g.steps.scheduled, target: '—', pass: null, note: '' }),
    row({ id: 'k8s-step-running', scenario: '… bound → Running (kwok), p50', unit: 'ms', floor: f.steps.running, gateway: g.steps.running, target: '—', pass: null, note: '' }),
    row({
      id: 'k8s-all-running',
      scenario: `all ${n} pods Running`,
      unit: 's',
      floor: f.allRunningS,
      gateway: g.allRunningS,
      target: `≤ ${AIM_ALL_RUNNING_S} s`,
      pass: g.allRunningS !== null && g.allRunningS <= AIM_ALL_RUNNING_S,
      note: 'from the first launch to the last pod Running',
    }),
    row({
      id: 'k8s-gateway-rss',
      scenario: 'gateway RSS, peak during the launches',
      unit: 'MB',
      floor: null,
      gateway: use.rssPeakMb,
      ratio: null,
      target: `< ${AIM_GATEWAY_RSS_MB} MB`,
      pass: use.rssPeakMb < AIM_GATEWAY_RSS_MB,
      note: `sampled every 100 ms; ${use.rssStartMb.toFixed(0)} MB before the first launch, ${use.rssEndMb.toFixed(0)} MB when all pods ran`,
    }),
    row({
      id: 'k8s-gateway-cpu',
      scenario: 'gateway CPU (user + system) during the launches',
      unit: 's',
      floor: null,
      gateway: use.cpuSeconds,
      ratio: null,
      target: '—',
      pass: null,
      note: `${cores.toFixed(2)} cores on average over ${gateway.seconds.toFixed(1)} s; ${(use.cpuSeconds * 1e3 / ctx.count).toFixed(1)} ms per launch` +
        (gateway.postgresCpuSeconds === null ? '' : `; Postgres ${gateway.postgresCpuSeconds.toFixed(1)} s`),
    }),
    row({
      id: 'k8s-cluster-cpu',
      scenario: 'control plane + pod agent CPU during the launches',
      unit: 's',
      floor: floor.clusterCpuSeconds,
      gateway: gateway.clusterCpuSeconds,
      target: '—',
      pass: null,
      note: `API server, etcd, scheduler, controller manager, kwok, pod agent; floor ${(floor.clusterCpuSeconds / floor.seconds).toFixed(2)} cores, gateway ${(gateway.clusterCpuSeconds / gateway.seconds).toFixed(2)} cores`,
    }),
  ];
}
