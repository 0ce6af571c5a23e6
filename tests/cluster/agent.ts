// The pod agent: the test harness's stand-in for a kubelet + container runtime.
//
// kwok keeps the Nodes alive (heartbeats, leases); it is configured to leave Pods
// alone. This agent watches pods bound to the harness's nodes and for each one
//   - gives it an IP from its node's podCIDR, in a network namespace joined to the
//     host bridge by a veth (so `podIP:port` answers from the host),
//   - materialises its Secret / ConfigMap / projected / emptyDir / hostPath
//     volumes and bind-mounts them at the containers' mountPaths (inside the
//     private mount namespace that `ip netns exec` creates),
//   - runs each container's command + args (host binaries run; an image counts only
//     through the entrypoint, ENV and files images.ts gives it) with its env, working
//     dir and securityContext.runAsUser/runAsGroup (plus readOnlyRootFilesystem and
//     allowPrivilegeEscalation: false as no_new_privs), inside a memory cgroup set to
//     resources.limits.memory,
//   - forwards the bridge IP to the API server (api-forward.ts), so pods can call it,
//   - writes phase, podIP, conditions and container states (exit code, reason
//     Completed / Error / OOMKilled) to the pod's status subresource,
//   - on deletion, SIGTERMs (then SIGKILLs) the processes, removes the
//     namespace and cgroups and finalises the deletion (grace period 0).
// Probes are not run: a container counts as ready once its process started.
import { spawn, type ChildProcess } from 'node:child_process';
import {
  chownSync,
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import path from 'node:path';
import type * as k8s from '@kubernetes/client-node';
import { forwardApiServer } from './api-forward';
import { BRIDGE_IP, binPath, REPO_ROOT } from './config';
import { testImage } from './images';
import { applyFsGroup, claimDirectory, ensureStorageClass, provisionClaims } from './volume-provisioner';
import { CoreV1, KubeClient } from './kube';
import {
  cleanupCgroups,
  cleanupNetwork,
  createContainerCgroup,
  createPodNetwork,
  deletePodNetwork,
  detectCgroups,
  ensureBridge,
  forgetNeighbour,
  killCgroup,
  cgroupPids,
  oomKills,
  removeCgroup,
  run,
} from './host';

export const AGENT_NODE_LABEL = 'lattice.dev/pod-agent';

type Phase = 'Pending' | 'Running' | 'Succeeded' | 'Failed';

interface Terminated {
  exitCode: number;
  signal?: number;
  reason: string;
  message?: string;
  startedAt: Date;
  finishedAt: Date;
}

interface ContainerRun {
  spec: k8s.V1Container;
  init: boolean;
  child: ChildProcess | null;
  cgroup: string | null;
  startedAt: Date | null;
  terminated: Terminated | null;
  lastTerminated: Terminated | null;
  waiting: { reason: string; message?: string } | null;
  restartCount: number;
  restartTimer: NodeJS.Timeout | null;
  exited: Promise<void> | null;
}

interface PodRun {
  uid: string;
  namespace: string;
  name: string;
  nodeName: string;
  ip: string;
  netns: string | null;
  dir: string;
  logDir: string;
  pod: k8s.V1Pod;
  containers: ContainerRun[];
  initContainers: ContainerRun[];
  initialized: boolean;
  phase: Phase;
  startTime: Date;
  stopping: boolean;
  finished: boolean;
  message?: string;
  reason?: string;
  patching: Promise<void> | null;
  dirty: boolean;
  ipReleased: boolean;
}

export interface AgentOptions {
  kubeconfig: string;
  /** Per-pod working files (volumes, home, work dirs). */
  stateDir: string;
  /** Container logs: <logDir>/<namespace>/<pod>/<container>.log */
  logDir: string;
  pollMs?: number;
  log?: (s: string) => void;
}

const SIGNALS: Record<string, number> = { SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGABRT: 6, SIGKILL: 9, SIGSEGV: 11, SIGPIPE: 13, SIGTERM: 15 };

function shq(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

function which(bin: string): string {
  for (const d of (process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin').split(':').concat(['/usr/sbin', '/sbin', '/usr/bin', '/bin'])) {
    const p = path.join(d, bin);
    if (existsSync(p)) return p;
  }
  throw new Error(`${bin} not found in PATH`);
}

/** Kubernetes resource.Quantity → number (bytes for memory). */
export function parseQuantity(q: string | number | undefined): number | null {
  if (q === undefined || q === null) return null;
  if (typeof q === 'number') return q;
  const m = /^([0-9.]+)([a-zA-Z]*)$/.exec(q.trim());
  if (!m) return null;
  const n = Number(m[1]);
  const suffix: Record<string, number> = {
    '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18,
    Ki: 1024, Mi: 1024 ** 2, Gi: 1024 ** 3, Ti: 1024 ** 4, Pi: 1024 ** 5, Ei: 1024 ** 6, m: 1e-3,
  };
  const mul = suffix[m[2]!];
  return mul === undefined ? null : Math.floor(n * mul);
}

/** $(VAR) expansion as the kubelet does it; $$(VAR) escapes. */
export function expandVars(s: string, env: Record<string, string>): string {
  return s.replace(/\$\$|\$\(([A-Za-z_][A-Za-z0-9_.-]*)\)/g, (all, name: string | undefined) => {
    if (all === '$$') return '$';
    return name !== undefined && name in env ? env[name]! : all;
  });
}

function isNotFound(e: unknown): boolean {
  return (e as { code?: number }).code === 404;
}

export class PodAgent {
  private readonly client: KubeClient;
  private readonly core: CoreV1;
  private readonly pods = new Map<string, PodRun>();
  private readonly usedIps = new Set<string>();
  private nodes = new Map<string, k8s.V1Node>();
  private nodesFetchedAt = 0;
  private timer: NodeJS.Timeout | null = null;
  private running = false;
  private loopBusy = false;
  private readonly ipBin = which('ip');
  private readonly setprivBin = which('setpriv');
  private readonly nsenterBin = which('nsenter');
  private readonly unshareBin = which('unshare');
  private readonly log: (s: string) => void;
  private apiForward: { close(): Promise<void> } | null = null;

  constructor(private readonly opts: AgentOptions) {
    this.client = new KubeClient(opts.kubeconfig, binPath('kubectl'));
    this.core = new CoreV1(this.client);
    this.log = opts.log ?? ((s) => console.error(`[pod-agent ${new Date().toISOString()}] ${s}`));
  }

  async start(): Promise<void> {
    const cg = detectCgroups();
    this.log(`starting; cgroup ${cg.mode} at ${cg.root}`);
    // Leftovers of an earlier agent cannot be adopted: clear them.
    cleanupCgroups();
    cleanupNetwork({ keepBridge: true });
    ensureBridge();
    this.apiForward = await forwardApiServer(this.client.server);
    await ensureStorageClass(this.client);
    this.running = true;
    await this.tick();
    this.timer = setInterval(() => void this.tick(), this.opts.pollMs ?? 500);
  }

  /** Kills every container and removes namespaces and cgroups (no status updates). */
  async stop(): Promise<void> {
    this.running = false;
    if (this.timer) clearInterval(this.timer);
    for (const p of this.pods.values()) await this.teardown(p, 0);
    this.pods.clear();
    cleanupCgroups();
    await this.apiForward?.close();
    cleanupNetwork();
    this.client.close();
  }

  private async tick(): Promise<void> {
    if (!this.running || this.loopBusy) return;
    this.loopBusy = true;
    try {
      if (Date.now() - this.nodesFetchedAt > 5000 || this.nodes.size === 0) {
        const nl = await this.core.listNode({ labelSelector: `${AGENT_NODE_LABEL}=true` });
        this.nodes = new Map(nl.items.map((n) => [n.metadata!.name!, n]));
        this.nodesFetchedAt = Date.now();
      }
      await provisionClaims(this.core, path.join(this.opts.stateDir, 'persistent-volumes'), this.log);
      const pl = await this.core.listPodForAllNamespaces({});
      const seen = new Set<string>();
      for (const pod of pl.items) {
        const uid = pod.metadata?.uid;
        const nodeName = pod.spec?.nodeName;
        if (!uid || !nodeName || !this.nodes.has(nodeName)) continue;
        seen.add(uid);
        const tracked = this.pods.get(uid);
        if (tracked) {
          tracked.pod = pod;
          if (pod.metadata?.deletionTimestamp && !tracked.stopping) void this.deletePod(tracked);
          continue;
        }
        if (pod.metadata?.deletionTimestamp) {
          // Never started by this agent (or started by a previous one): just finalise.
          void this.finalizeDeletion(pod);
          continue;
        }
        const phase = pod.status?.phase;
        if (phase === 'Succeeded' || phase === 'Failed') continue;
        if ((pod.status?.containerStatuses ?? []).length > 0) {
          // Started by an agent that is gone; its processes were killed on cleanup.
          void this.patchRaw(pod, { phase: 'Failed', reason: 'AgentRestarted', message: 'the pod agent restarted; processes were lost' });
          continue;
        }
        this.startPod(pod);
      }
      for (const p of [...this.pods.values()]) {
        if (!seen.has(p.uid)) {
          // Force-deleted (or node deleted): stop at once.
          this.log(`pod ${p.namespace}/${p.name} is gone; killing`);
          this.pods.delete(p.uid);
          void this.teardown(p, 0);
        }
      }
    } catch (e) {
      this.log(`loop error: ${(e as Error).message}`);
    } finally {
      this.loopBusy = false;
    }
  }

  // ---------------------------------------------------------------- pod lifecycle

  private allocateIp(node: k8s.V1Node): string {
    const cidr = node.spec?.podCIDR;
    if (!cidr) throw new Error(`node ${node.metadata?.name} has no spec.podCIDR`);
    const base = cidr.split('/')[0]!.split('.').slice(0, 3).join('.');
    for (let i = 2; i < 255; i++) {
      const ip = `${base}.${i}`;
      if (!this.usedIps.has(ip)) {
        this.usedIps.add(ip);
        return ip;
      }
    }
    throw new Error(`node ${node.metadata?.name}: pod CIDR ${cidr} exhausted`);
  }

  private startPod(pod: k8s.V1Pod): void {
    const md = pod.metadata!;
    const node = this.nodes.get(pod.spec!.nodeName!)!;
    let ip: string;
    try {
      ip = this.allocateIp(node);
    } catch (e) {
      this.log((e as Error).message);
      return;
    }
    const mk = (c: k8s.V1Container, init: boolean): ContainerRun => ({
      spec: c, init, child: null, cgroup: null, startedAt: null, terminated: null, lastTerminated: null,
      waiting: { reason: init ? 'PodInitializing' : 'ContainerCreating' }, restartCount: 0, restartTimer: null, exited: null,
    });
    const p: PodRun = {
      uid: md.uid!,
      namespace: md.namespace!,
      name: md.name!,
      nodeName: pod.spec!.nodeName!,
      ip,
      netns: null,
      dir: path.join(this.opts.stateDir, md.uid!),
      logDir: path.join(this.opts.logDir, md.namespace!, md.name!),
      pod,
      containers: (pod.spec!.containers ?? []).map((c) => mk(c, false)),
      initContainers: (pod.spec!.initContainers ?? []).map((c) => mk(c, true)),
      initialized: (pod.spec!.initContainers ?? []).length === 0,
      phase: 'Pending',
      startTime: new Date(),
      stopping: false,
      finished: false,
      patching: null,
      dirty: false,
      ipReleased: false,
    };
    this.pods.set(p.uid, p);
    this.log(`pod ${p.namespace}/${p.name} on ${p.nodeName}: ip ${ip}`);
    void this.runPod(p).catch((e: Error) => {
      this.log(`pod ${p.namespace}/${p.name}: ${e.message}`);
      if (p.stopping) return;
      p.phase = 'Failed';
      p.reason = 'AgentError';
      p.message = e.message;
      for (const c of [...p.initContainers, ...p.containers]) {
        if (!c.terminated && !c.child) c.waiting = { reason: 'CreateContainerError', message: e.message };
      }
      void this.finish(p);
    });
  }

  private async runPod(p: PodRun): Promise<void> {
    mkdirSync(p.dir, { recursive: true });
    mkdirSync(p.logDir, { recursive: true });
    p.netns = createPodNetwork(p.uid, p.ip);
    if (p.stopping) {
      deletePodNetwork(p.uid);
      return;
    }
    this.schedulePatch(p);
    // Like the kubelet, retry volume setup (a Secret or the kube-root-ca.crt
    // ConfigMap may not exist yet) while the pod waits in ContainerCreating.
    let volumes: Map<string, string>;
    for (;;) {
      try {
        volumes = await this.prepareVolumes(p);
        break;
      } catch (e) {
        if (p.stopping) return;
        const message = (e as Error).message;
        for (const c of [...p.initContainers, ...p.containers]) c.waiting = { reason: 'ContainerCreating', message };
        this.schedulePatch(p);
        await new Promise((r) => setTimeout(r, 1000));
      }
    }
    for (const c of p.initContainers) {
      if (p.stopping) return;
      for (;;) {
        this.startContainer(p, c, volumes);
        await c.exited;
        if (p.stopping) return;
        if (c.terminated?.exitCode === 0) break;
        if ((p.pod.spec?.restartPolicy ?? 'Always') === 'Never') {
          p.phase = 'Failed';
          await this.finish(p);
          return;
        }
        await new Promise((r) => setTimeout(r, this.backoffMs(c)));
        c.lastTerminated = c.terminated;
        c.restartCount++;
      }
    }
    p.initialized = true;
    if (p.stopping) return;
    for (const c of p.containers) this.startContainer(p, c, volumes);
  }

  private backoffMs(c: ContainerRun): number {
    return Math.min(1000 * 2 ** c.restartCount, 30_000);
  }

  /** Called when a regular container exits. */
  private onContainerExit(p: PodRun, c: ContainerRun, volumes: Map<string, string>): void {
    if (p.stopping || p.finished || c.init) {
      this.schedulePatch(p);
      return;
    }
    const policy = p.pod.spec?.restartPolicy ?? 'Always';
    const ok = c.terminated?.exitCode === 0;
    if (policy === 'Always' || (policy === 'OnFailure' && !ok)) {
      const delay = this.backoffMs(c);
      c.waiting = { reason: 'CrashLoopBackOff', message: `back-off ${Math.round(delay / 1000)}s restarting failed container=${c.spec.name} pod=${p.name}` };
      c.lastTerminated = c.terminated;
      c.restartTimer = setTimeout(() => {
        c.restartTimer = null;
        if (p.stopping) return;
        c.restartCount++;
        this.startContainer(p, c, volumes);
        this.schedulePatch(p);
      }, delay);
      this.schedulePatch(p);
      return;
    }
    if (p.containers.every((x) => x.terminated && !x.restartTimer)) {
      p.phase = p.containers.every((x) => x.terminated!.exitCode === 0) ? 'Succeeded' : 'Failed';
      void this.finish(p);
    } else {
      this.schedulePatch(p);
    }
  }

  /** Terminal phase: release network and cgroups, keep status. */
  private async finish(p: PodRun): Promise<void> {
    if (p.finished) return;
    p.finished = true;
    this.log(`pod ${p.namespace}/${p.name} ${p.phase}`);
    this.schedulePatch(p);
    await p.patching;
    await this.teardown(p, 0, { keepTracking: true });
  }

  private async deletePod(p: PodRun): Promise<void> {
    const grace = Math.min(p.pod.metadata?.deletionGracePeriodSeconds ?? p.pod.spec?.terminationGracePeriodSeconds ?? 30, 30);
    this.log(`pod ${p.namespace}/${p.name} deleted; stopping (grace ${grace}s)`);
    await this.teardown(p, grace);
    this.pods.delete(p.uid);
    await this.finalizeDeletion(p.pod);
  }

  private async finalizeDeletion(pod: k8s.V1Pod): Promise<void> {
    try {
      await this.core.deleteNamespacedPod({
        name: pod.metadata!.name!,
        namespace: pod.metadata!.namespace!,
        gracePeriodSeconds: 0,
        body: { preconditions: { uid: pod.metadata!.uid! } },
      });
    } catch (e) {
      if (!isNotFound(e) && (e as { code?: number }).code !== 409) this.log(`finalize ${pod.metadata!.name}: ${(e as Error).message}`);
    }
  }

  /** Stops every process of the pod (SIGTERM, SIGKILL after graceSeconds) and frees its resources. */
  private async teardown(p: PodRun, graceSeconds: number, opts: { keepTracking?: boolean } = {}): Promise<void> {
    if (!opts.keepTracking) p.stopping = true;
    const all = [...p.initContainers, ...p.containers];
    for (const c of all) {
      if (c.restartTimer) clearTimeout(c.restartTimer);
      c.restartTimer = null;
    }
    const live = all.filter((c) => c.cgroup && cgroupPids(c.cgroup).length > 0);
    if (graceSeconds > 0 && live.length) {
      for (const c of live) killCgroup(c.cgroup!, 'SIGTERM');
      const deadline = Date.now() + graceSeconds * 1000;
      while (Date.now() < deadline && live.some((c) => cgroupPids(c.cgroup!).length > 0)) {
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    for (const c of all) {
      if (c.cgroup) {
        killCgroup(c.cgroup, 'SIGKILL');
        c.child?.kill('SIGKILL');
      }
    }
    await Promise.all(all.map((c) => c.exited ?? Promise.resolve()));
    for (const c of all) {
      if (c.cgroup) {
        try {
          removeCgroup(c.cgroup);
        } catch (e) {
          this.log((e as Error).message);
        }
        c.cgroup = null;
      }
    }
    deletePodNetwork(p.uid);
    p.netns = null;
    if (!p.ipReleased) {
      p.ipReleased = true;
      this.usedIps.delete(p.ip);
      // The next pod given this IP has a new MAC and sends no gratuitous ARP: without this the
      // host keeps using the old MAC until its neighbour entry expires (up to ~50 s).
      forgetNeighbour(p.ip);
    }
    this.unmountVolumesDir(p);
  }

  private unmountVolumesDir(p: PodRun): void {
    // Volumes are bind-mounted only inside the containers' private mount
    // namespaces, so the host copy can simply be removed (logs are kept).
    rmSync(p.dir, { recursive: true, force: true });
  }

  // ---------------------------------------------------------------- volumes

  private async prepareVolumes(p: PodRun): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    const spec = p.pod.spec!;
    const fsGroup = spec.securityContext?.fsGroup;
    for (const v of spec.volumes ?? []) {
      const dir = path.join(p.dir, 'volumes', v.name);
      if (v.hostPath) {
        out.set(v.name, v.hostPath.path);
        continue;
      }
      if (v.persistentVolumeClaim) {
        const claimDir = await claimDirectory(this.core, p.namespace, v.persistentVolumeClaim.claimName);
        if (fsGroup !== undefined && !v.persistentVolumeClaim.readOnly) applyFsGroup(claimDir, fsGroup);
        out.set(v.name, claimDir);
        continue;
      }
      mkdirSync(dir, { recursive: true });
      const files: { rel: string; data: Buffer; mode?: number }[] = [];
      if (v.emptyDir) {
        writeFileSync(path.join(dir, '.keep'), '');
        rmSync(path.join(dir, '.keep'));
        run('chmod', ['0777', dir]);
      } else if (v.secret) {
        files.push(...(await this.secretFiles(p.namespace, v.secret.secretName!, v.secret.items, v.secret.optional, v.secret.defaultMode)));
      } else if (v.configMap) {
        files.push(...(await this.configMapFiles(p.namespace, v.configMap.name!, v.configMap.items, v.configMap.optional, v.configMap.defaultMode)));
      } else if (v.downwardAPI) {
        files.push(...this.downwardFiles(p, v.downwardAPI.items ?? [], v.downwardAPI.defaultMode));
      } else if (v.projected) {
        const mode = v.projected.defaultMode;
        for (const s of v.projected.sources ?? []) {
          if (s.secret) files.push(...(await this.secretFiles(p.namespace, s.secret.name!, s.secret.items, s.secret.optional, mode)));
          if (s.configMap) files.push(...(await this.configMapFiles(p.namespace, s.configMap.name!, s.configMap.items, s.configMap.optional, mode)));
          if (s.downwardAPI) files.push(...this.downwardFiles(p, s.downwardAPI.items ?? [], mode));
          if (s.serviceAccountToken) {
            const tr = await this.core.createNamespacedServiceAccountToken({
              name: p.pod.spec!.serviceAccountName ?? 'default',
              namespace: p.namespace,
              body: {
                spec: {
                  audiences: s.serviceAccountToken.audience ? [s.serviceAccountToken.audience] : [],
                  expirationSeconds: s.serviceAccountToken.expirationSeconds ?? 3607,
                  boundObjectRef: { apiVersion: 'v1', kind: 'Pod', name: p.name, uid: p.uid },
                },
              },
            });
            files.push({ rel: s.serviceAccountToken.path, data: Buffer.from(tr.status?.token ?? ""), mode: mode ?? 0o644 });
          }
        }
      } else {
        throw new Error(`volume ${v.name}: type not supported by the test pod agent`);
      }
      for (const f of files) {
        const fp = path.join(dir, f.rel);
        mkdirSync(path.dirname(fp), { recursive: true });
        writeFileSync(fp, f.data, { mode: f.mode ?? 0o644 });
        run('chmod', [(f.mode ?? 0o644).toString(8), fp]);
        if (fsGroup !== undefined) chownSync(fp, 0, fsGroup);
      }
      if (fsGroup !== undefined) chownSync(dir, 0, fsGroup);
      out.set(v.name, dir);
    }
    return out;
  }

  private async secretFiles(
    ns: string, name: string, items: k8s.V1KeyToPath[] | undefined, optional: boolean | undefined, mode: number | undefined,
  ): Promise<{ rel: string; data: Buffer; mode?: number }[]> {
    let data: Record<string, Buffer>;
    try {
      const s = await this.core.readNamespacedSecret({ name, namespace: ns });
      data = Object.fromEntries(Object.entries(s.data ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64')]));
      for (const [k, v] of Object.entries(s.stringData ?? {})) data[k] = Buffer.from(v);
    } catch (e) {
      if (isNotFound(e) && optional) return [];
      throw new Error(`secret "${name}" not found in ${ns}: ${(e as Error).message}`);
    }
    return this.keyFiles(data, items, mode);
  }

  private async configMapFiles(
    ns: string, name: string, items: k8s.V1KeyToPath[] | undefined, optional: boolean | undefined, mode: number | undefined,
  ): Promise<{ rel: string; data: Buffer; mode?: number }[]> {
    let data: Record<string, Buffer>;
    try {
      const c = await this.core.readNamespacedConfigMap({ name, namespace: ns });
      data = Object.fromEntries(Object.entries(c.data ?? {}).map(([k, v]) => [k, Buffer.from(v)]));
      for (const [k, v] of Object.entries(c.binaryData ?? {})) data[k] = Buffer.from(v, 'base64');
    } catch (e) {
      if (isNotFound(e) && optional) return [];
      throw new Error(`configmap "${name}" not found in ${ns}: ${(e as Error).message}`);
    }
    return this.keyFiles(data, items, mode);
  }

  private keyFiles(data: Record<string, Buffer>, items: k8s.V1KeyToPath[] | undefined, mode: number | undefined) {
    if (items?.length) {
      return items
        .filter((it) => it.key in data)
        .map((it) => ({ rel: it.path, data: data[it.key]!, mode: it.mode ?? mode }));
    }
    return Object.entries(data).map(([k, v]) => ({ rel: k, data: v, mode }));
  }

  private fieldRef(p: PodRun, fieldPath: string): string {
    const md = p.pod.metadata!;
    const m = /^metadata\.(labels|annotations)\['(.+)'\]$/.exec(fieldPath);
    if (m) return (m[1] === 'labels' ? md.labels : md.annotations)?.[m[2]!] ?? '';
    switch (fieldPath) {
      case 'metadata.name': return md.name ?? '';
      case 'metadata.namespace': return md.namespace ?? '';
      case 'metadata.uid': return md.uid ?? '';
      case 'metadata.labels': return Object.entries(md.labels ?? {}).map(([k, v]) => `${k}="${v}"`).join('\n');
      case 'metadata.annotations': return Object.entries(md.annotations ?? {}).map(([k, v]) => `${k}="${v}"`).join('\n');
      case 'spec.nodeName': return p.nodeName;
      case 'spec.serviceAccountName': return p.pod.spec?.serviceAccountName ?? '';
      case 'status.podIP': case 'status.podIPs': return p.ip;
      case 'status.hostIP': case 'status.hostIPs': return BRIDGE_IP;
      default: throw new Error(`fieldRef ${fieldPath} not supported by the test pod agent`);
    }
  }

  private resourceRef(c: k8s.V1Container, ref: k8s.V1ResourceFieldSelector): string {
    const [kind, res] = ref.resource.split('.') as [string, string];
    const q = (kind === 'limits' ? c.resources?.limits : c.resources?.requests)?.[res];
    const n = parseQuantity(q as string | undefined);
    const div = parseQuantity(ref.divisor as string | undefined) ?? 1;
    return n === null ? '0' : String(Math.ceil(n / div));
  }

  private downwardFiles(p: PodRun, items: k8s.V1DownwardAPIVolumeFile[], mode: number | undefined) {
    return items.map((it) => ({
      rel: it.path,
      data: Buffer.from(it.fieldRef ? this.fieldRef(p, it.fieldRef.fieldPath) : ''),
      mode: it.mode ?? mode,
    }));
  }

  // ---------------------------------------------------------------- containers

  private async containerEnv(p: PodRun, c: k8s.V1Container): Promise<Record<string, string>> {
    const env: Record<string, string> = {};
    for (const ef of c.envFrom ?? []) {
      const prefix = ef.prefix ?? '';
      if (ef.secretRef) {
        for (const f of await this.secretFiles(p.namespace, ef.secretRef.name!, undefined, ef.secretRef.optional, undefined)) env[prefix + f.rel] = f.data.toString();
      }
      if (ef.configMapRef) {
        for (const f of await this.configMapFiles(p.namespace, ef.configMapRef.name!, undefined, ef.configMapRef.optional, undefined)) env[prefix + f.rel] = f.data.toString();
      }
    }
    for (const e of c.env ?? []) {
      if (e.valueFrom?.secretKeyRef) {
        const r = e.valueFrom.secretKeyRef;
        const f = (await this.secretFiles(p.namespace, r.name!, [{ key: r.key, path: r.key }], r.optional, undefined))[0];
        if (!f && !r.optional) throw new Error(`secret ${r.name} has no key ${r.key}`);
        if (f) env[e.name] = f.data.toString();
      } else if (e.valueFrom?.configMapKeyRef) {
        const r = e.valueFrom.configMapKeyRef;
        const f = (await this.configMapFiles(p.namespace, r.name!, [{ key: r.key, path: r.key }], r.optional, undefined))[0];
        if (!f && !r.optional) throw new Error(`configmap ${r.name} has no key ${r.key}`);
        if (f) env[e.name] = f.data.toString();
      } else if (e.valueFrom?.fieldRef) {
        env[e.name] = this.fieldRef(p, e.valueFrom.fieldRef.fieldPath);
      } else if (e.valueFrom?.resourceFieldRef) {
        env[e.name] = this.resourceRef(c, e.valueFrom.resourceFieldRef);
      } else {
        env[e.name] = expandVars(e.value ?? '', env);
      }
    }
    return env;
  }

  private startContainer(p: PodRun, c: ContainerRun, volumes: Map<string, string>): void {
    let resolveExit!: () => void;
    c.exited = new Promise((r) => (resolveExit = r));
    c.terminated = null;
    void this.spawnContainer(p, c, volumes, resolveExit).catch((e: Error) => {
      const now = new Date();
      this.log(`pod ${p.namespace}/${p.name} container ${c.spec.name}: ${e.message}`);
      c.terminated = { exitCode: 128, reason: 'ContainerCannotRun', message: e.message, startedAt: now, finishedAt: now };
      c.waiting = null;
      resolveExit();
      this.onContainerExit(p, c, volumes);
    });
  }

  private async spawnContainer(p: PodRun, c: ContainerRun, volumes: Map<string, string>, resolveExit: () => void): Promise<void> {
    const spec = c.spec;
    const podSc = p.pod.spec?.securityContext;
    const sc = spec.securityContext;
    const uid = sc?.runAsUser ?? podSc?.runAsUser ?? 0;
    const gid = sc?.runAsGroup ?? podSc?.runAsGroup ?? 0;
    const groups = [...(podSc?.fsGroup !== undefined ? [podSc.fsGroup] : []), ...(podSc?.supplementalGroups ?? [])];

    let userEnv: Record<string, string> = {};
    for (;;) {
      try {
        userEnv = await this.containerEnv(p, c.spec);
        break;
      } catch (e) {
        // CreateContainerConfigError (missing Secret/ConfigMap or key): the kubelet retries.
        if (p.stopping || p.finished) break;
        c.waiting = { reason: 'CreateContainerConfigError', message: (e as Error).message };
        this.schedulePatch(p);
        await new Promise((r) => setTimeout(r, 1000));
      }
    }
    if (p.stopping || p.finished) {
      resolveExit();
      return;
    }
    const home = path.join(p.dir, 'home', spec.name);
    const work = spec.workingDir ?? path.join(p.dir, 'work', spec.name);
    for (const d of [home, work]) {
      mkdirSync(d, { recursive: true });
      if (uid !== 0 && d.startsWith(p.dir)) chownSync(d, uid, gid);
    }
    const image = testImage(spec.image);
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
      HOSTNAME: p.name,
      HOME: home,
      ...image?.env(),
      ...userEnv,
    };
    // As in Kubernetes: `command` replaces the image's entrypoint, `args` follow it.
    const argv = [...(spec.command ?? image?.entrypoint ?? []), ...(spec.args ?? [])].map((a) => expandVars(a, env));
    if (argv.length === 0) {
      throw new Error(`container has no command/args and image ${spec.image ?? '(none)'} has no entrypoint in tests/cluster/images.ts: the test pod agent runs host binaries`);
    }

    const memLimit = parseQuantity(spec.resources?.limits?.memory as string | undefined);
    const cgName = `${p.uid}_${c.init ? 'init-' : ''}${spec.name}`;
    if (c.cgroup) removeCgroup(c.cgroup);
    c.cgroup = createContainerCgroup(cgName, memLimit);

    // Outer shell (host namespaces): join the cgroup, then enter the pod's network
    // namespace and a private mount namespace. Inner shell: bind-mount volumes,
    // cd, drop privileges, exec the container command (same pid throughout).
    const outer = [
      `echo $$ > ${shq(path.join(c.cgroup, 'cgroup.procs'))} || exit 126`,
      `exec ${shq(this.nsenterBin)} --net=${shq(`/run/netns/${p.netns}`)} -- ${shq(this.unshareBin)} --mount --propagation private -- /bin/sh -c "$0" sh "$@"`,
    ];
    const lines: string[] = [];
    // The image's own files first: volumes may be mounted over them, as in a real container.
    for (const [target, src] of Object.entries(image?.files ?? {})) {
      if (!existsSync(target)) {
        mkdirSync(path.dirname(target), { recursive: true });
        writeFileSync(target, '');
      }
      lines.push(`mount --bind ${shq(src)} ${shq(target)} || exit 126`);
      lines.push(`mount -o remount,bind,ro ${shq(target)} || exit 126`);
    }
    // Parents before children, so nested mountPaths stack as in a real container.
    const mounts = [...(spec.volumeMounts ?? [])].sort((a, b) => a.mountPath.split('/').length - b.mountPath.split('/').length);
    for (const m of mounts) {
      let src = volumes.get(m.name);
      if (!src) throw new Error(`volumeMount ${m.name}: no such volume`);
      if (m.subPath) {
        src = path.join(src, m.subPath);
        // As the kubelet: a missing subPath is created, a directory.
        if (!existsSync(src)) mkdirSync(src, { recursive: true });
      }
      const isFile = existsSync(src) && !statSync(src).isDirectory();
      if (!existsSync(m.mountPath)) {
        // The mount point has to exist in the shared filesystem; it stays empty
        // on the host (the bind mount lives only in the container's namespace).
        if (isFile) {
          mkdirSync(path.dirname(m.mountPath), { recursive: true });
          writeFileSync(m.mountPath, '');
        } else {
          mkdirSync(m.mountPath, { recursive: true });
        }
      }
      const ro =
        m.readOnly ||
        (p.pod.spec?.volumes ?? []).some((v) => v.name === m.name && (v.secret || v.configMap || v.projected || v.downwardAPI || v.persistentVolumeClaim?.readOnly));
      // The "image" is this host's filesystem: a volume over a directory holding this checkout
      // (an emptyDir at /tmp, with the checkout under /tmp as in a CI clone) would hide the
      // kernel's Python. Like software baked into an image, the checkout shows through, read-only.
      if (REPO_ROOT.startsWith(`${m.mountPath}/`) && !isFile) {
        const inVolume = path.join(src, path.relative(m.mountPath, REPO_ROOT));
        mkdirSync(inVolume, { recursive: true });
        lines.push(`mount --bind ${shq(REPO_ROOT)} ${shq(inVolume)} && mount -o remount,bind,ro ${shq(inVolume)} || exit 126`);
        lines.push(`mount --rbind ${shq(src)} ${shq(m.mountPath)} || exit 126`);
      } else {
        lines.push(`mount --bind ${shq(src)} ${shq(m.mountPath)} || exit 126`);
      }
      if (ro) lines.push(`mount -o remount,bind,ro ${shq(m.mountPath)} || exit 126`);
    }
    // After the volumes, which are mounts of their own and stay writable: only this namespace's
    // root mount turns read-only (the host's and other pods' are untouched). /dev/shm, /proc and
    // /sys are separate mounts and keep their flags, as in a container.
    if (sc?.readOnlyRootFilesystem) lines.push('mount -o remount,bind,ro / || exit 126');
    lines.push(`cd ${shq(work)} || exit 126`);
    const nnp = sc?.allowPrivilegeEscalation === false ? ' --no-new-privs' : '';
    if (uid !== 0 || gid !== 0 || groups.length) {
      const g = groups.length ? `--groups=${groups.join(',')}` : '--clear-groups';
      lines.push(`exec ${shq(this.setprivBin)} --reuid=${uid} --regid=${gid} ${g}${nnp} -- "$@"`);
    } else {
      lines.push(nnp ? `exec ${shq(this.setprivBin)}${nnp} -- "$@"` : 'exec "$@"');
    }

    const logPath = path.join(p.logDir, `${spec.name}.log`);
    const fd = openSync(logPath, 'a');
    writeSync(fd, `--- ${new Date().toISOString()} start ${JSON.stringify(argv)} (uid ${p.uid}, restart ${c.restartCount})\n`);
    const child = spawn('/bin/sh', ['-c', outer.join('\n'), lines.join('\n'), ...argv], {
      env: env as NodeJS.ProcessEnv,
      stdio: ['ignore', fd, fd],
      detached: true,
    });
    closeSync(fd);
    c.child = child;
    c.startedAt = new Date();
    c.waiting = null;
    // Like the kubelet: Running once a (regular) container has started.
    if (!c.init && p.phase === 'Pending') p.phase = 'Running';
    this.log(`pod ${p.namespace}/${p.name} container ${spec.name}: pid ${child.pid} ${JSON.stringify(argv)}${memLimit ? ` memory.limit ${memLimit}` : ''}`);
    this.schedulePatch(p);
    child.on('error', (e) => this.log(`spawn ${spec.name}: ${e.message}`));
    child.on('exit', (code, signal) => {
      const cg = c.cgroup;
      const ooms = cg ? oomKills(cg) : 0;
      const exitCode = code ?? 128 + (SIGNALS[signal ?? ''] ?? 0);
      let reason = exitCode === 0 ? 'Completed' : 'Error';
      if (ooms > 0 && (signal === 'SIGKILL' || exitCode === 137 || code !== 0)) reason = 'OOMKilled';
      let message: string | undefined;
      if (reason !== 'Completed' && spec.terminationMessagePolicy === 'FallbackToLogsOnError') {
        try {
          const log = readFileSync(logPath, 'utf8');
          message = log.slice(-2048);
        } catch {
          /* no log */
        }
      }
      c.terminated = { exitCode, reason, message, signal: signal ? SIGNALS[signal] : undefined, startedAt: c.startedAt!, finishedAt: new Date() };
      c.child = null;
      this.log(`pod ${p.namespace}/${p.name} container ${spec.name}: exited ${exitCode} ${reason}${ooms ? ` (oom_kill ${ooms})` : ''}`);
      if (cg && !p.stopping) {
        try {
          removeCgroup(cg);
        } catch (e) {
          this.log((e as Error).message);
        }
        if (c.cgroup === cg) c.cgroup = null;
      }
      resolveExit();
      this.onContainerExit(p, c, volumes);
    });
  }

  // ---------------------------------------------------------------- status

  private containerStatus(c: ContainerRun): k8s.V1ContainerStatus {
    const term = (t: Terminated): k8s.V1ContainerStateTerminated => ({
      exitCode: t.exitCode,
      signal: t.signal,
      reason: t.reason,
      message: t.message,
      startedAt: t.startedAt,
      finishedAt: t.finishedAt,
    });
    let state: k8s.V1ContainerState;
    if (c.child && c.startedAt) state = { running: { startedAt: c.startedAt } };
    else if (c.waiting) state = { waiting: c.waiting };
    else if (c.terminated) state = { terminated: term(c.terminated) };
    else state = { waiting: { reason: 'ContainerCreating' } };
    return {
      name: c.spec.name,
      image: c.spec.image ?? '',
      imageID: '',
      containerID: c.child?.pid ? `lattice-agent://${c.child.pid}` : undefined,
      ready: !!c.child && !c.init,
      started: !!c.child,
      restartCount: c.restartCount,
      state,
      lastState: c.lastTerminated ? { terminated: term(c.lastTerminated) } : {},
    };
  }

  private buildStatus(p: PodRun): k8s.V1PodStatus {
    const now = new Date();
    const allReady = p.containers.length > 0 && p.containers.every((c) => !!c.child);
    const cond = (type: string, ok: boolean, reason?: string): k8s.V1PodCondition => {
      const prev = p.pod.status?.conditions?.find((c) => c.type === type);
      const status = ok ? 'True' : 'False';
      return { type, status, reason, lastTransitionTime: prev?.status === status && prev.lastTransitionTime ? prev.lastTransitionTime : now, lastProbeTime: undefined };
    };
    const scheduled = p.pod.status?.conditions?.find((c) => c.type === 'PodScheduled') ?? { type: 'PodScheduled', status: 'True' };
    const terminal = p.phase === 'Succeeded' || p.phase === 'Failed';
    return {
      phase: p.phase,
      reason: p.reason,
      message: p.message,
      hostIP: BRIDGE_IP,
      hostIPs: [{ ip: BRIDGE_IP }],
      podIP: p.ip,
      podIPs: [{ ip: p.ip }],
      startTime: p.startTime,
      conditions: [
        cond('PodReadyToStartContainers', p.netns !== null || terminal),
        cond('Initialized', p.initialized, p.initialized ? undefined : 'ContainersNotInitialized'),
        cond('Ready', allReady, allReady ? undefined : terminal ? 'PodCompleted' : 'ContainersNotReady'),
        cond('ContainersReady', allReady, allReady ? undefined : terminal ? 'PodCompleted' : 'ContainersNotReady'),
        scheduled,
      ],
      initContainerStatuses: p.initContainers.length ? p.initContainers.map((c) => this.containerStatus(c)) : undefined,
      containerStatuses: p.containers.map((c) => this.containerStatus(c)),
    };
  }

  /** Coalesces status writes: at most one in flight per pod, always sending the latest state. */
  private schedulePatch(p: PodRun): void {
    p.dirty = true;
    if (p.patching) return;
    p.patching = (async () => {
      while (p.dirty) {
        p.dirty = false;
        if (p.stopping && !p.finished) break;
        try {
          const body = { status: this.buildStatus(p) };
          p.pod = await this.core.patchNamespacedPodStatus({ name: p.name, namespace: p.namespace, body });
        } catch (e) {
          if (isNotFound(e)) break;
          this.log(`status ${p.namespace}/${p.name}: ${(e as Error).message}`);
          await new Promise((r) => setTimeout(r, 500));
          p.dirty = true;
          if (!this.running) break;
        }
      }
      p.patching = null;
    })();
  }

  private async patchRaw(pod: k8s.V1Pod, status: k8s.V1PodStatus): Promise<void> {
    try {
      await this.core.patchNamespacedPodStatus({ name: pod.metadata!.name!, namespace: pod.metadata!.namespace!, body: { status } });
    } catch (e) {
      this.log(`status ${pod.metadata!.name}: ${(e as Error).message}`);
    }
  }
}
