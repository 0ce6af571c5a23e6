// Start / stop the test cluster: etcd, kube-apiserver (RBAC + ResourceQuota
// admission), kube-scheduler, kube-controller-manager and kwok via
// `kwokctl --runtime binary` with every binary passed explicitly, N plain
// v1.Node objects, and the pod agent that actually runs pods; optionally M
// simulated nodes whose pods kwok only pretends to run (scale benchmarks).
//
//   const cluster = await startCluster({ nodes: 2 });
//   ... cluster.kubeconfig, cluster.core (CoreV1Api), cluster.kubectl([...]) ...
//   await cluster.stop();
import { execFile, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, readlinkSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import type * as k8s from '@kubernetes/client-node';
import { AGENT_NODE_LABEL } from './agent';
import { requireBinaries } from './build';
import { BRIDGE_IP, binPath, CLUSTER_DIR, CLUSTER_NAME, dataDir, K8S_VERSION, POD_NET_PREFIX, REPO_ROOT } from './config';
import { cleanupCgroups, cleanupNetwork, detectCgroups, ensureBridge } from './host';
import { CoreV1, KubeClient } from './kube';

const execFileP = promisify(execFile);

export interface ClusterOptions {
  /** Number of nodes (default: $LATTICE_CLUSTER_NODES or 2). */
  nodes?: number;
  /** Capacity of every node. */
  nodeCpu?: string;
  nodeMemory?: string;
  nodePods?: string;
  /** nvidia.com/gpu capacity per node (default 1). */
  nodeGpus?: number;
  /**
   * Number of simulated nodes (default 0): kwok marks their pods Running with an IP and
   * deletes them on request, but no process runs. They are labelled and tainted
   * (SIMULATED_PLACEMENT), so only pods that ask for them land there.
   */
  simulatedNodes?: number;
  /** Capacity of every simulated node (defaults: 32 CPUs, 128Gi, 110 pods, 0 GPUs). */
  simulatedNodeCapacity?: { cpu?: string; memory?: string; pods?: string; gpus?: number };
  log?: (s: string) => void;
}

/** Simulated nodes are named `<prefix><i>`; kwok's stages recognise their pods by this prefix. */
export const SIMULATED_NODE_PREFIX = 'lattice-sim-node-';
/** Label and NoSchedule taint key of the simulated nodes. */
export const SIMULATED_NODE_LABEL = 'lattice.dev/simulated';
/** The node selector and toleration a pod (or an environment's placement) needs to land on a simulated node. */
export const SIMULATED_PLACEMENT = {
  nodeSelector: { [SIMULATED_NODE_LABEL]: 'true' },
  tolerations: [{ key: SIMULATED_NODE_LABEL, operator: 'Equal' as const, value: 'true', effect: 'NoSchedule' as const }],
};

export interface Cluster {
  kubeconfig: string;
  /** https://127.0.0.1:PORT */
  server: string;
  client: KubeClient;
  core: CoreV1;
  /** Nodes whose pods the pod agent runs. */
  nodeNames: string[];
  /** Nodes whose pods kwok simulates (empty unless `simulatedNodes` was given). */
  simulatedNodeNames: string[];
  /** Runs the built kubectl with this cluster's kubeconfig; resolves stdout. */
  kubectl(args: string[], opts?: { input?: string }): Promise<string>;
  /** Path of a container's log file written by the pod agent. */
  containerLog(namespace: string, pod: string, container: string): string;
  stop(): Promise<void>;
}

export const paths = {
  kubeconfig: () => path.join(dataDir(), 'kubeconfig'),
  kwokWorkdir: () => path.join(dataDir(), 'kwok'),
  kwokConfig: () => path.join(dataDir(), 'kwokctl.yaml'),
  agentPid: () => path.join(dataDir(), 'agent.pid'),
  agentReady: () => path.join(dataDir(), 'agent.ready'),
  // Pod volumes / home / work dirs. Outside the checkout on purpose: a container
  // mountPath such as /work must not shadow the sources of its other mounts.
  agentState: () => process.env.LATTICE_CLUSTER_POD_STATE ?? '/run/lattice-cluster/pods',
  logs: () => path.join(dataDir(), 'logs'),
  podLogs: () => path.join(dataDir(), 'logs', 'pods'),
};

function defaultLog(s: string): void {
  console.error(`[cluster] ${s}`);
}

function kwokEnv(): NodeJS.ProcessEnv {
  return {
    ...process.env,
    KWOK_WORKDIR: paths.kwokWorkdir(),
    KWOK_KUBECTL_BINARY: binPath('kubectl'),
    KWOK_KUBE_VERSION: K8S_VERSION,
  };
}

function kwokctlConfig(): string {
  // KwokctlConfiguration: bind every component to loopback; add ResourceQuota
  // to the API server's admission plugins explicitly.
  // Stages: giving any Pod stage replaces kwok's default pod simulation, so
  // pods on the agent's nodes are left to the pod agent; the two stages below
  // match only pods bound to simulated nodes (by node name prefix, since a
  // stage sees the pod, not its node). The default node stages (initialize +
  // heartbeat with lease) stay in force because no Node stage is given.
  return `apiVersion: config.kwok.x-k8s.io/v1alpha1
kind: KwokctlConfiguration
options:
  bindAddress: 127.0.0.1
  # Pods reach the host only at the bridge address; this SAN lets in-pod clients
  # (Spark drivers) verify the API server there.
  kubeApiserverCertSANs:
  - ${BRIDGE_IP}
  kubeAuthorization: true
  kubeAdmission: true
componentsPatches:
- name: kube-apiserver
  extraArgs:
  - key: enable-admission-plugins
    value: NamespaceLifecycle,LimitRanger,ServiceAccount,DefaultTolerationSeconds,DefaultStorageClass,ResourceQuota
- name: kube-controller-manager
  extraArgs:
  - key: bind-address
    value: 127.0.0.1
${simulatedPodStages()}`;
}

/**
 * kwok Stages for pods on simulated nodes, after kwok's own "fast" pod-ready and
 * pod-delete stages: Running and Ready at once with an IP from the node's podCIDR,
 * and a deletion that completes (finalizers cleared, object removed) as a kubelet's would.
 */
function simulatedPodStages(): string {
  const onSimulatedNode = `      jq:
        key: '(.spec.nodeName // "") | startswith("${SIMULATED_NODE_PREFIX}")'
        operator: In
        values:
        - 'true'`;
  return `---
apiVersion: kwok.x-k8s.io/v1alpha1
kind: Stage
metadata:
  name: lattice-simulated-pod-running
spec:
  resourceRef:
    apiGroup: v1
    kind: Pod
  selector:
    matchExpressions:
    - ${onSimulatedNode.trimStart()}
    - jq:
        key: '.metadata.deletionTimestamp'
        operator: DoesNotExist
    - jq:
        key: '.status.podIP'
        operator: DoesNotExist
  next:
    statusTemplate: |
      {{ $now := Now }}
      conditions:
      - lastTransitionTime: {{ $now | Quote }}
        status: "True"
        type: Initialized
      - lastTransitionTime: {{ $now | Quote }}
        status: "True"
        type: Ready
      - lastTransitionTime: {{ $now | Quote }}
        status: "True"
        type: ContainersReady
      containerStatuses:
      {{ range .spec.containers }}
      - image: {{ .image | Quote }}
        name: {{ .name | Quote }}
        ready: true
        restartCount: 0
        started: true
        state:
          running:
            startedAt: {{ $now | Quote }}
      {{ end }}
      initContainerStatuses:
      {{ range .spec.initContainers }}
      - image: {{ .image | Quote }}
        name: {{ .name | Quote }}
        ready: true
        restartCount: 0
        state:
          terminated:
            exitCode: 0
            finishedAt: {{ $now | Quote }}
            reason: Completed
            startedAt: {{ $now | Quote }}
      {{ end }}
      hostIP: {{ NodeIPWith .spec.nodeName | Quote }}
      podIP: {{ PodIPWith .spec.nodeName false ( or .metadata.uid "" ) ( or .metadata.name "" ) ( or .metadata.namespace "" ) | Quote }}
      phase: Running
      startTime: {{ $now | Quote }}
---
apiVersion: kwok.x-k8s.io/v1alpha1
kind: Stage
metadata:
  name: lattice-simulated-pod-delete
spec:
  resourceRef:
    apiGroup: v1
    kind: Pod
  selector:
    matchExpressions:
    - ${onSimulatedNode.trimStart()}
    - jq:
        key: '.metadata.deletionTimestamp'
        operator: Exists
  next:
    finalizers:
      empty: true
    delete: true
`;
}

async function kwokctl(args: string[], log: (s: string) => void, timeoutMs = 180_000): Promise<string> {
  log(`kwokctl ${args.join(' ')}`);
  try {
    const { stdout, stderr } = await execFileP(binPath('kwokctl'), args, { env: kwokEnv(), timeout: timeoutMs, maxBuffer: 64 << 20 });
    if (stderr.trim()) log(stderr.trim().split('\n').slice(-20).join('\n'));
    return stdout;
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string; message: string };
    throw new Error(`kwokctl ${args[0]} ${args[1] ?? ''} failed: ${err.message}\n${err.stderr ?? ''}${err.stdout ?? ''}`);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

async function waitFor<T>(what: string, fn: () => Promise<T | undefined | null | false>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastErr: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (e) {
      lastErr = e;
    }
    await sleep(250);
  }
  throw new Error(`timed out after ${timeoutMs}ms waiting for ${what}${lastErr ? `: ${(lastErr as Error).message}` : ''}`);
}

interface NodeCapacity {
  cpu: string;
  memory: string;
  pods: string;
  gpus: number;
}

function nodeObject(
  name: string,
  podCidr: string,
  capacity: NodeCapacity,
  placement: { labels: Record<string, string>; taints?: k8s.V1Taint[] },
): k8s.V1Node {
  const resources: Record<string, string> = {
    cpu: capacity.cpu,
    memory: capacity.memory,
    pods: capacity.pods,
    'nvidia.com/gpu': String(capacity.gpus),
  };
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name,
      labels: {
        ...placement.labels,
        type: 'kwok',
        'kubernetes.io/hostname': name,
        'kubernetes.io/os': 'linux',
        'kubernetes.io/arch': 'amd64',
      },
      annotations: { 'kwok.x-k8s.io/node': 'fake', 'node.alpha.kubernetes.io/ttl': '0' },
    },
    spec: { podCIDR: podCidr, podCIDRs: [podCidr], ...(placement.taints ? { taints: placement.taints } : {}) },
    status: {
      capacity: resources,
      allocatable: { ...resources },
      addresses: [
        { type: 'InternalIP', address: BRIDGE_IP },
        { type: 'Hostname', address: name },
      ],
    },
  };
}

/** A node whose pods the pod agent runs: podCIDR `10.244.<i+1>.0/24` on the bridge. */
function agentNodeObject(i: number, capacity: NodeCapacity): k8s.V1Node {
  return nodeObject(`lattice-node-${i}`, `${POD_NET_PREFIX}.${i + 1}.0/24`, capacity, { labels: { [AGENT_NODE_LABEL]: 'true' } });
}

/**
 * A node whose pods kwok simulates. Its podCIDR is a /24 of 127.0.0.0/8: nothing listens
 * there, so a client that connects to a simulated pod (a gateway's ZeroMQ sockets) is
 * refused at once by this host, where an unused bridge address would fill the host's ARP
 * table (1,000 pods are near its 1,024-entry limit) and any other address would leave
 * through the default route.
 */
function simulatedNodeObject(i: number, capacity: NodeCapacity): k8s.V1Node {
  const { nodeSelector, tolerations } = SIMULATED_PLACEMENT;
  const taint = { key: tolerations[0].key, value: tolerations[0].value, effect: tolerations[0].effect };
  const podCidr = `127.${1 + Math.floor(i / 256)}.${i % 256}.0/24`;
  return nodeObject(`${SIMULATED_NODE_PREFIX}${i}`, podCidr, capacity, { labels: nodeSelector, taints: [taint] });
}

// ---- one cluster per machine: the bridge, netns and cgroup names are global.
const LOCK = process.env.LATTICE_CLUSTER_LOCK ?? '/run/lattice-cluster.lock';

function lockHolders(): number[] {
  try {
    return readFileSync(LOCK, 'utf8').split(/\s+/).filter(Boolean).map(Number).filter((p) => p !== process.pid && alive(p));
  } catch {
    return [];
  }
}

/** Waits until no live process (of this or another clone) holds the cluster lock, then takes it. */
async function acquireLock(log: (s: string) => void): Promise<void> {
  const waitMs = Number(process.env.LATTICE_CLUSTER_LOCK_WAIT_SECONDS ?? 900) * 1000;
  const deadline = Date.now() + waitMs;
  let said = 0;
  for (;;) {
    const holders = lockHolders();
    if (!holders.length) break;
    // Only the agent of a `cluster:up` cluster of this checkout: replace that cluster.
    const mine = new Set(ownedPids());
    if (holders.every((p) => mine.has(p))) {
      log(`replacing the running cluster of this checkout (pid(s) ${holders.join(' ')})`);
      break;
    }
    if (Date.now() > deadline) {
      throw new Error(`another test cluster is running on this machine (pids ${holders.join(' ')} hold ${LOCK}); stop it with \`npm run cluster:down\` in its checkout`);
    }
    if (Date.now() - said > 30_000) {
      log(`waiting for the test cluster held by pid(s) ${holders.join(' ')} (${LOCK})`);
      said = Date.now();
    }
    await sleep(1000);
  }
  writeFileSync(LOCK, String(process.pid));
}

function setLockHolders(pids: number[]): void {
  writeFileSync(LOCK, pids.join(' '));
}

function releaseLock(): void {
  // Only if nobody else (alive) holds it.
  if (!lockHolders().length) rmSync(LOCK, { force: true });
}

/** Pids of processes whose command line mentions this cluster's data dir (kwok components, agent). */
function ownedPids(): number[] {
  const marker = dataDir() + '/';
  const out: number[] = [];
  for (const e of readdirSync('/proc')) {
    const pid = Number(e);
    if (!Number.isInteger(pid) || pid === process.pid || pid === process.ppid) continue;
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      let exe = '';
      try {
        exe = readlinkSync(`/proc/${pid}/exe`);
      } catch {
        /* kernel thread or gone */
      }
      if (cmd.includes(marker) || exe.startsWith(marker)) out.push(pid);
    } catch {
      /* gone */
    }
  }
  return out;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function killAndWait(pids: number[], graceMs: number): Promise<void> {
  for (const p of pids) {
    try {
      process.kill(p, 'SIGTERM');
    } catch {
      /* gone */
    }
  }
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline && pids.some(alive)) await sleep(100);
  for (const p of pids.filter(alive)) {
    try {
      process.kill(p, 'SIGKILL');
    } catch {
      /* gone */
    }
  }
}

/**
 * Stops everything a (possibly crashed) earlier run started: the pod agent and
 * its pods, the kwokctl cluster, stray component processes, network namespaces,
 * veths, the bridge and cgroups. Idempotent.
 */
export async function stopCluster(opts: { log?: (s: string) => void; keepLogs?: boolean; keepLock?: boolean } = {}): Promise<void> {
  const log = opts.log ?? defaultLog;
  let agentPid = 0;
  // 1. The agent first: it SIGTERMs its pods and removes namespaces/cgroups.
  if (existsSync(paths.agentPid())) {
    const pid = Number(readFileSync(paths.agentPid(), 'utf8').trim());
    agentPid = pid;
    let isAgent = false;
    try {
      isAgent = readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('agent-main');
    } catch {
      /* gone */
    }
    if (isAgent) {
      log(`stopping pod agent (pid ${pid})`);
      await killAndWait([pid], 15_000);
    }
    rmSync(paths.agentPid(), { force: true });
  }
  // 2. kwokctl stops the components it started (pid files under its workdir).
  const clusterDir = path.join(paths.kwokWorkdir(), 'clusters', CLUSTER_NAME);
  if (existsSync(clusterDir)) {
    if (opts.keepLogs !== false && existsSync(path.join(clusterDir, 'logs'))) {
      mkdirSync(path.join(paths.logs(), 'components'), { recursive: true });
      cpSync(path.join(clusterDir, 'logs'), path.join(paths.logs(), 'components'), { recursive: true });
    }
    if (existsSync(binPath('kwokctl'))) {
      try {
        await kwokctl(['delete', 'cluster', '--name', CLUSTER_NAME], log, 60_000);
      } catch (e) {
        log(`kwokctl delete failed (continuing with manual cleanup): ${(e as Error).message.split('\n')[0]}`);
      }
    }
  }
  // 3. Anything still running from our data dir (crashed kwokctl, orphaned pod processes).
  const stray = ownedPids();
  if (stray.length) {
    log(`killing ${stray.length} leftover process(es): ${stray.join(' ')}`);
    await killAndWait(stray, 5_000);
  }
  // 4. Kernel objects (names are machine-wide): only when no other live
  //    process holds the cluster lock, e.g. a test run in another checkout.
  const others = lockHolders().filter((p) => p !== agentPid && p !== process.ppid);
  if (others.length && !opts.keepLock) {
    log(`cluster lock held by live pid(s) ${others.join(' ')}: leaving namespaces, bridge and cgroups alone`);
  } else {
    cleanupCgroups();
    cleanupNetwork();
  }
  rmSync(paths.kwokWorkdir(), { recursive: true, force: true });
  rmSync(paths.agentState(), { recursive: true, force: true });
  try {
    rmdirSync(path.dirname(paths.agentState()));
  } catch {
    /* not empty or gone */
  }
  for (const f of [paths.kubeconfig(), paths.kwokConfig(), paths.agentReady()]) rmSync(f, { force: true });
  if (!opts.keepLock) releaseLock();
}

function attachHelpers(kubeconfig: string, nodeNames: string[], log: (s: string) => void): Cluster {
  const client = new KubeClient(kubeconfig, binPath('kubectl'));
  const core = new CoreV1(client);
  return {
    kubeconfig,
    server: client.server,
    client,
    core,
    nodeNames,
    simulatedNodeNames: [],
    kubectl: (args, o) =>
      new Promise((resolve, reject) => {
        const child = execFile(
          binPath('kubectl'),
          ['--kubeconfig', kubeconfig, ...args],
          { maxBuffer: 64 << 20, timeout: 60_000 },
          (err, stdout, stderr) => (err ? reject(new Error(`kubectl ${args.join(' ')}: ${stderr || err.message}`)) : resolve(stdout)),
        );
        if (o?.input !== undefined) child.stdin!.end(o.input);
        else child.stdin!.end();
      }),
    containerLog: (ns, pod, container) => path.join(paths.podLogs(), ns, pod, `${container}.log`),
    stop: () => {
      client.close();
      return stopCluster({ log });
    },
  };
}

export async function startCluster(options: ClusterOptions = {}): Promise<Cluster> {
  const log = options.log ?? defaultLog;
  requireBinaries();
  const opts = {
    nodes: options.nodes ?? Number(process.env.LATTICE_CLUSTER_NODES ?? 2),
    simulatedNodes: options.simulatedNodes ?? 0,
  };
  const agentCapacity: NodeCapacity = {
    cpu: options.nodeCpu ?? '4',
    memory: options.nodeMemory ?? '8Gi',
    pods: options.nodePods ?? '110',
    gpus: options.nodeGpus ?? 1,
  };
  const simulatedCapacity: NodeCapacity = {
    cpu: options.simulatedNodeCapacity?.cpu ?? '32',
    memory: options.simulatedNodeCapacity?.memory ?? '128Gi',
    pods: options.simulatedNodeCapacity?.pods ?? '110',
    gpus: options.simulatedNodeCapacity?.gpus ?? 0,
  };
  if (process.getuid?.() !== 0) throw new Error('the test cluster needs root (network namespaces, cgroups)');
  const t0 = Date.now();
  await acquireLock(log);
  await stopCluster({ log, keepLogs: false, keepLock: true });
  rmSync(paths.logs(), { recursive: true, force: true });
  mkdirSync(paths.podLogs(), { recursive: true });
  const cg = detectCgroups();
  log(`cgroup ${cg.mode} (${cg.root}); bridge ${BRIDGE_IP}; data ${dataDir()}`);
  ensureBridge();

  try {
    writeFileSync(paths.kwokConfig(), kwokctlConfig());
    await kwokctl(
      [
        'create', 'cluster',
        '--name', CLUSTER_NAME,
        '--runtime', 'binary',
        '--config', paths.kwokConfig(),
        '--kube-apiserver-binary', binPath('kube-apiserver'),
        '--kube-controller-manager-binary', binPath('kube-controller-manager'),
        '--kube-scheduler-binary', binPath('kube-scheduler'),
        '--kwok-controller-binary', binPath('kwok'),
        '--etcd-binary', binPath('etcd'),
        '--kube-authorization',
        '--kube-admission',
        '--kubeconfig', paths.kubeconfig(),
        '--wait', '120s',
      ],
      log,
    );
    const cluster = attachHelpers(paths.kubeconfig(), [], log);

    for (let i = 0; i < opts.nodes; i++) {
      const node = await cluster.core.createNode({ body: agentNodeObject(i, agentCapacity) });
      cluster.nodeNames.push(node.metadata!.name!);
    }
    for (let i = 0; i < opts.simulatedNodes; i++) {
      const node = await cluster.core.createNode({ body: simulatedNodeObject(i, simulatedCapacity) });
      cluster.simulatedNodeNames.push(node.metadata!.name!);
    }

    // The pod agent: a separate, detached process so that `cluster:up` can exit.
    const agentLog = openSync(path.join(paths.logs(), 'agent.log'), 'a');
    const agent = spawn(
      process.execPath,
      [
        '--import', 'tsx',
        path.join(CLUSTER_DIR, 'agent-main.ts'),
        '--kubeconfig', paths.kubeconfig(),
        '--state', paths.agentState(),
        '--logs', paths.podLogs(),
        '--ready', paths.agentReady(),
      ],
      { cwd: REPO_ROOT, detached: true, stdio: ['ignore', agentLog, agentLog] },
    );
    agent.unref();
    writeFileSync(paths.agentPid(), String(agent.pid));
    // The agent lives as long as the cluster: it holds the lock for `cluster:up`.
    setLockHolders([process.pid, agent.pid!]);

    // Ready is not yet schedulable: the node lifecycle controller registers every node with
    // a node.kubernetes.io/not-ready taint and lifts it a moment after it sees Ready=True (a
    // fresh-clone run caught a simulated node still carrying it), so wait for both.
    await waitFor(
      'nodes Ready and untainted by the node controller',
      async () => {
        const nl = await cluster.core.listNode();
        const ready = nl.items.filter(
          (n) =>
            n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') &&
            !n.spec?.taints?.some((t) => t.key === 'node.kubernetes.io/not-ready' || t.key === 'node.kubernetes.io/unreachable'),
        );
        return ready.length >= opts.nodes + opts.simulatedNodes;
      },
      60_000,
    );
    await waitFor('default ServiceAccount', () => cluster.core.readNamespacedServiceAccount({ name: 'default', namespace: 'default' }), 60_000);
    await waitFor('pod agent', async () => {
      if (!alive(agent.pid!)) throw new Error(`pod agent exited; see ${path.join(paths.logs(), 'agent.log')}`);
      return existsSync(paths.agentReady());
    }, 60_000);
    const simulated = opts.simulatedNodes ? ` + ${opts.simulatedNodes} simulated` : '';
    log(`cluster up in ${((Date.now() - t0) / 1000).toFixed(1)}s: ${cluster.server}, ${opts.nodes} node(s)${simulated}, kubeconfig ${paths.kubeconfig()}`);
    return cluster;
  } catch (e) {
    log(`cluster start failed: ${(e as Error).message}`);
    await stopCluster({ log }).catch(() => undefined);
    throw e;
  }
}

/** Attaches to a cluster started earlier by `npm run cluster:up`. */
export function attachCluster(options: { log?: (s: string) => void } = {}): Cluster {
  if (!existsSync(paths.kubeconfig())) throw new Error(`no running cluster: ${paths.kubeconfig()} is missing`);
  return attachHelpers(paths.kubeconfig(), [], options.log ?? defaultLog);
}

export { waitFor, sleep };
