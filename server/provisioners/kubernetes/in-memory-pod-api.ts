// Test support: the kubernetes provisioner's unit test runs the shared contract suite on it.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { constants, tmpdir } from 'node:os';
import path from 'node:path';
import {
  ApiException,
  type KubernetesObject,
  type V1Container,
  type V1ContainerStatus,
  type V1Namespace,
  type V1NetworkPolicy,
  type V1PersistentVolume,
  type V1PersistentVolumeClaim,
  type V1Pod,
  type V1ResourceQuota,
  type V1RoleBinding,
  type V1Secret,
  type V1ServiceAccount,
} from '@kubernetes/client-node';
import type { PodApi, TPodInformer } from './pod-api';

type TKind = 'Namespace' | 'Pod' | 'Secret' | 'ServiceAccount' | 'RoleBinding' | 'NetworkPolicy' | 'ResourceQuota' | 'PersistentVolumeClaim' | 'PersistentVolume';
type TPodEvent = 'add' | 'update' | 'delete';

const NODE_NAME = 'in-memory-node';
/** What an image would put in a container's environment before the pod's own `env`. */
const IMAGE_ENV = { PATH: '/usr/local/bin:/usr/bin:/bin', LANG: 'C.UTF-8' };

/** A refusal as the API server words it (a Status object as body), so api-errors.ts reads it the same. */
function refused(code: number, reason: string, message: string): ApiException<string> {
  return new ApiException(code, message, JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', message, reason, code }), {});
}

/** Equality-based selectors (`k=v,k2=v2`), the only kind the provisioner uses. */
function selectorMatches(selector: string, labels: Record<string, string> | undefined): boolean {
  return selector
    .split(',')
    .filter(Boolean)
    .every((term) => {
      const match = /^([^=!]+)==?([^=]*)$/.exec(term.trim());
      if (!match) throw new Error(`in-memory API: unsupported label selector term "${term}"`);
      return labels?.[match[1]] === match[2];
    });
}

/**
 * An informer over the in-memory store: the same events, in the same order, delivered later
 * (never inside the call that caused them), as a watch over the network would.
 */
class InMemoryInformer implements TPodInformer {
  private readonly cache = new Map<string, V1Pod>();
  private readonly listeners = { add: new Set<(pod: V1Pod) => void>(), update: new Set<(pod: V1Pod) => void>(), delete: new Set<(pod: V1Pod) => void>() };
  private running = false;
  private delivery: Promise<void> = Promise.resolve();

  constructor(
    readonly selector: string,
    private readonly current: () => V1Pod[],
  ) {}

  on(event: TPodEvent | 'error', listener: ((pod: V1Pod) => void) | ((err: unknown) => void)): void {
    // The store never fails, so `error` never fires.
    if (event !== 'error') this.listeners[event].add(listener as (pod: V1Pod) => void);
  }

  async start(): Promise<void> {
    this.running = true;
    for (const pod of this.current()) this.observe('add', pod);
    await this.delivery;
  }

  async stop(): Promise<void> {
    this.running = false;
  }

  get(name: string, namespace: string): V1Pod | undefined {
    return this.cache.get(`${namespace}/${name}`);
  }

  list(namespace?: string): readonly V1Pod[] {
    return [...this.cache.values()].filter((p) => namespace === undefined || p.metadata?.namespace === namespace);
  }

  /** Called by the store for every change of a pod. */
  observe(event: TPodEvent, pod: V1Pod): void {
    const snapshot = structuredClone(pod);
    this.delivery = this.delivery.then(
      () =>
        new Promise<void>((resolve) =>
          setImmediate(() => {
            if (this.running) this.deliver(event, snapshot);
            resolve();
          }),
        ),
    );
  }

  private deliver(event: TPodEvent, pod: V1Pod): void {
    const key = `${pod.metadata?.namespace}/${pod.metadata?.name}`;
    const matches = selectorMatches(this.selector, pod.metadata?.labels);
    if (event === 'delete' || !matches) {
      if (!this.cache.delete(key)) return;
      for (const listener of this.listeners.delete) listener(pod);
      return;
    }
    const known = this.cache.has(key);
    this.cache.set(key, pod);
    for (const listener of this.listeners[known ? 'update' : 'add']) listener(pod);
  }
}

/** What the in-memory kubelet holds for one pod's container while it runs. */
interface TContainerRun {
  child: ChildProcess;
  startedAt: Date | null;
  killTimer: NodeJS.Timeout | null;
  exited: Promise<void>;
}

/**
 * The Kubernetes API (objects, namespaces, 404/409 answers, watches, owner garbage collection)
 * and a kubelet for one node, in memory, as far as the provisioner contract needs them. Pods
 * are scheduled at once; a pod starts once the Secrets its volumes name exist (as a kubelet
 * waits for them); its (first, for kernel pods the only) container's command then runs as a
 * real local process. Volumes are
 * directories of their own, and every argument, variable or working directory under a
 * `mountPath` is pointed there (no mount namespace here). A pod's network is an address of
 * its own on the loopback (127.x.y.z): what it would bind as 0.0.0.0 inside its network
 * namespace — the `ip` of a JSON file in a Secret volume, i.e. a Jupyter connection file — is
 * that address instead. Deleting a pod sends SIGTERM, then SIGKILL after the grace period, and
 * removes it once the process is gone, with the objects it owns. Not modelled: security
 * contexts, resource limits, ResourceQuota enforcement, images (the command is a host binary).
 */
export class InMemoryPodApi implements PodApi {
  readonly server = 'in-memory API server';
  private readonly objects = new Map<TKind, Map<string, KubernetesObject>>();
  private readonly informers = new Set<InMemoryInformer>();
  private readonly runs = new Map<string, TContainerRun>();
  private readonly root = mkdtempSync(path.join(tmpdir(), 'lattice-in-memory-pods-'));
  private readonly ipBase = 10 + Math.floor(Math.random() * 200);
  private nextIp = 1;
  private resourceVersion = 1;

  // ---- store ----

  private bucket(kind: TKind): Map<string, KubernetesObject> {
    let bucket = this.objects.get(kind);
    if (!bucket) this.objects.set(kind, (bucket = new Map()));
    return bucket;
  }

  private read<T extends KubernetesObject>(kind: TKind, namespace: string | null, name: string): T {
    const found = this.bucket(kind).get(`${namespace ?? ''}/${name}`);
    if (!found) throw refused(404, 'NotFound', `${kind.toLowerCase()}s "${name}" not found`);
    return structuredClone(found) as T;
  }

  private write<T extends KubernetesObject>(kind: TKind, namespace: string | null, body: T, mode: 'create' | 'replace'): T {
    const name = body.metadata?.name;
    if (!name) throw refused(422, 'Invalid', `${kind} has no metadata.name`);
    if (namespace !== null && !this.bucket('Namespace').has(`/${namespace}`)) throw refused(404, 'NotFound', `namespaces "${namespace}" not found`);
    const key = `${namespace ?? ''}/${name}`;
    const existing = this.bucket(kind).get(key);
    if (mode === 'create' && existing) throw refused(409, 'AlreadyExists', `${kind.toLowerCase()}s "${name}" already exists`);
    if (mode === 'replace' && !existing) throw refused(404, 'NotFound', `${kind.toLowerCase()}s "${name}" not found`);
    const stored = structuredClone(body);
    stored.kind = kind;
    stored.metadata = {
      ...stored.metadata,
      ...(namespace !== null ? { namespace } : {}),
      uid: existing?.metadata?.uid ?? randomUUID(),
      resourceVersion: String(this.resourceVersion++),
      creationTimestamp: existing?.metadata?.creationTimestamp ?? new Date(),
    };
    this.bucket(kind).set(key, stored);
    return structuredClone(stored);
  }

  private remove(kind: TKind, namespace: string, name: string): void {
    if (!this.bucket(kind).delete(`${namespace}/${name}`)) throw refused(404, 'NotFound', `${kind.toLowerCase()}s "${name}" not found`);
  }

  private pods(): V1Pod[] {
    return [...this.bucket('Pod').values()] as V1Pod[];
  }

  /** Stores a pod's new state and tells the watches. */
  private updatePod(pod: V1Pod, event: TPodEvent = 'update'): void {
    const key = `${pod.metadata!.namespace}/${pod.metadata!.name}`;
    if (event === 'delete') this.bucket('Pod').delete(key);
    else {
      pod.metadata!.resourceVersion = String(this.resourceVersion++);
      this.bucket('Pod').set(key, pod);
    }
    for (const informer of this.informers) informer.observe(event, pod);
  }

  private livePod(namespace: string, name: string, uid: string): V1Pod | undefined {
    const pod = this.bucket('Pod').get(`${namespace}/${name}`) as V1Pod | undefined;
    return pod?.metadata?.uid === uid ? pod : undefined;
  }

  // ---- PodApi ----

  async listPods(labelSelector: string, limit?: number): Promise<V1Pod[]> {
    const pods = this.pods().filter((p) => selectorMatches(labelSelector, p.metadata?.labels));
    return structuredClone(limit ? pods.slice(0, limit) : pods);
  }

  podInformer(labelSelector: string): TPodInformer {
    const informer = new InMemoryInformer(labelSelector, () => this.pods().filter((p) => selectorMatches(labelSelector, p.metadata?.labels)));
    this.informers.add(informer);
    return informer;
  }

  async readPod(namespace: string, name: string): Promise<V1Pod> {
    return this.read('Pod', namespace, name);
  }

  async createPod(namespace: string, body: V1Pod): Promise<V1Pod> {
    const pod = this.write('Pod', namespace, body, 'create');
    // Scheduled at once: one node, no capacity to run out of.
    pod.spec = { ...pod.spec!, nodeName: NODE_NAME };
    pod.status = { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'True', lastTransitionTime: new Date() }] };
    this.updatePod(pod, 'add');
    setImmediate(() => this.sync(namespace, pod.metadata!.name!, pod.metadata!.uid!));
    return structuredClone(pod);
  }

  async deletePod(namespace: string, name: string, opts: { gracePeriodSeconds: number; uid?: string }): Promise<void> {
    const pod = this.read<V1Pod>('Pod', namespace, name);
    const uid = pod.metadata!.uid!;
    if (opts.uid && opts.uid !== uid) {
      throw refused(409, 'Conflict', `Precondition failed: UID in precondition: ${opts.uid}, UID in object meta: ${uid}`);
    }
    const run = this.runs.get(uid);
    if (!pod.metadata!.deletionTimestamp) {
      pod.metadata!.deletionTimestamp = new Date();
      pod.metadata!.deletionGracePeriodSeconds = opts.gracePeriodSeconds;
      this.updatePod(pod);
    }
    if (!run || run.child.exitCode !== null || run.child.signalCode !== null || opts.gracePeriodSeconds === 0) {
      // Nothing runs (or a forced deletion): the object goes now; a process still running is killed.
      if (run) this.signal(run.child, 'SIGKILL');
      this.finalize(namespace, name, uid);
      return;
    }
    this.signal(run.child, 'SIGTERM');
    if (run.killTimer) clearTimeout(run.killTimer);
    run.killTimer = setTimeout(() => this.signal(run.child, 'SIGKILL'), opts.gracePeriodSeconds * 1000);
  }

  async createSecret(namespace: string, body: V1Secret): Promise<void> {
    this.write('Secret', namespace, body, 'create');
    // Pods waiting for this Secret can start now.
    for (const pod of this.pods()) if (pod.metadata?.namespace === namespace) setImmediate(() => this.sync(namespace, pod.metadata!.name!, pod.metadata!.uid!));
  }

  async deleteSecret(namespace: string, name: string): Promise<void> {
    this.remove('Secret', namespace, name);
  }

  async createPersistentVolumeClaim(namespace: string, body: V1PersistentVolumeClaim): Promise<void> {
    this.write('PersistentVolumeClaim', namespace, body, 'create');
  }

  async createPersistentVolume(body: V1PersistentVolume): Promise<void> {
    this.write('PersistentVolume', null, body, 'create');
  }

  async readNamespace(name: string): Promise<V1Namespace> {
    return this.read('Namespace', null, name);
  }

  async createNamespace(body: V1Namespace): Promise<void> {
    this.write('Namespace', null, body, 'create');
  }

  async createServiceAccount(namespace: string, body: V1ServiceAccount): Promise<void> {
    this.write('ServiceAccount', namespace, body, 'create');
  }

  async createRoleBinding(namespace: string, body: V1RoleBinding): Promise<void> {
    this.write('RoleBinding', namespace, body, 'create');
  }

  async createNetworkPolicy(namespace: string, body: V1NetworkPolicy): Promise<void> {
    this.write('NetworkPolicy', namespace, body, 'create');
  }

  async replaceNetworkPolicy(namespace: string, _name: string, body: V1NetworkPolicy): Promise<void> {
    this.write('NetworkPolicy', namespace, body, 'replace');
  }

  async deleteNetworkPolicy(namespace: string, name: string): Promise<void> {
    this.remove('NetworkPolicy', namespace, name);
  }

  async readResourceQuota(namespace: string, name: string): Promise<V1ResourceQuota> {
    return this.read('ResourceQuota', namespace, name);
  }

  async createResourceQuota(namespace: string, body: V1ResourceQuota): Promise<void> {
    this.write('ResourceQuota', namespace, body, 'create');
  }

  async replaceResourceQuota(namespace: string, _name: string, body: V1ResourceQuota): Promise<void> {
    this.write('ResourceQuota', namespace, body, 'replace');
  }

  /** Kills every container still running and removes their directories. */
  async close(): Promise<void> {
    for (const informer of this.informers) await informer.stop();
    for (const run of this.runs.values()) {
      if (run.killTimer) clearTimeout(run.killTimer);
      this.signal(run.child, 'SIGKILL');
    }
    await Promise.all([...this.runs.values()].map((r) => r.exited));
    rmSync(this.root, { recursive: true, force: true });
  }

  /** An object as stored, for tests that check what the provisioner wrote; undefined if absent. */
  stored<T extends KubernetesObject>(kind: TKind, namespace: string | null, name: string): T | undefined {
    const found = this.bucket(kind).get(`${namespace ?? ''}/${name}`);
    return found ? (structuredClone(found) as T) : undefined;
  }

  // ---- kubelet ----

  /** Starts the pod's container once every Secret it mounts exists. */
  private sync(namespace: string, name: string, uid: string): void {
    const pod = this.livePod(namespace, name, uid);
    if (!pod || pod.metadata?.deletionTimestamp || this.runs.has(uid)) return;
    const container = pod.spec!.containers[0];
    const missing = (pod.spec!.volumes ?? []).find((v) => v.secret && !this.bucket('Secret').has(`${namespace}/${v.secret.secretName}`));
    if (missing) {
      if (!pod.status?.containerStatuses) {
        pod.status = { ...pod.status, containerStatuses: [this.containerStatus(container, { waiting: { reason: 'ContainerCreating' } }, false)] };
        this.updatePod(pod);
      }
      return;
    }
    this.start(pod, container);
  }

  private start(pod: V1Pod, container: V1Container): void {
    const { namespace, name, uid } = pod.metadata as { namespace: string; name: string; uid: string };
    const podIP = `127.${this.ipBase}.${Math.floor(this.nextIp / 250)}.${(this.nextIp++ % 250) + 1}`;
    const podDir = path.join(this.root, uid);
    const mounts = this.mountVolumes(pod, container, podDir, podIP);
    // What exists on the host shows through a volume, as software baked into an image would
    // (the kernel's Python in a checkout under /tmp, where the pod mounts an emptyDir).
    const mapPath = (value: string) => {
      if (existsSync(value)) return value;
      for (const [mountPath, dir] of mounts) if (value === mountPath || value.startsWith(`${mountPath}/`)) return dir + value.slice(mountPath.length);
      return value;
    };
    const env: Record<string, string> = { ...IMAGE_ENV };
    for (const variable of container.env ?? []) {
      if (variable.value !== undefined) env[variable.name] = mapPath(variable.value);
      else if (variable.valueFrom?.fieldRef?.fieldPath === 'status.podIP') env[variable.name] = podIP;
      else if (variable.valueFrom?.fieldRef?.fieldPath === 'metadata.name') env[variable.name] = name;
      else if (variable.valueFrom?.fieldRef?.fieldPath === 'metadata.namespace') env[variable.name] = namespace;
    }
    const argv = [...(container.command ?? []), ...(container.args ?? [])].map(mapPath);
    const cwd = container.workingDir ? mapPath(container.workingDir) : podDir;
    mkdirSync(cwd, { recursive: true });
    const log = openSync(path.join(podDir, `${container.name}.log`), 'a');
    // Next's global typing makes NODE_ENV mandatory; a container's environment is its own.
    const child = spawn(argv[0], argv.slice(1), { cwd, env: env as Partial<NodeJS.ProcessEnv> as NodeJS.ProcessEnv, detached: true, stdio: ['ignore', log, log] });
    closeSync(log);
    const run: TContainerRun = { child, startedAt: null, killTimer: null, exited: Promise.resolve() };
    run.exited = new Promise<void>((resolve) => {
      child.once('spawn', () => {
        run.startedAt = new Date();
        const current = this.livePod(namespace, name, uid);
        if (!current || current.metadata?.deletionTimestamp) return;
        current.status = {
          ...current.status,
          phase: 'Running',
          podIP,
          podIPs: [{ ip: podIP }],
          hostIP: '127.0.0.1',
          startTime: run.startedAt,
          conditions: [...(current.status?.conditions ?? []), { type: 'Ready', status: 'True', lastTransitionTime: run.startedAt }],
          containerStatuses: [this.containerStatus(container, { running: { startedAt: run.startedAt } }, true, child.pid)],
        };
        this.updatePod(current);
      });
      child.once('error', (err) => {
        this.ended(namespace, name, uid, container, { exitCode: 128, reason: 'ContainerCannotRun', message: err.message });
        resolve();
      });
      child.once('exit', (code, signal) => {
        const signalNumber = signal ? constants.signals[signal] : undefined;
        const exitCode = code ?? 128 + (signalNumber ?? 0);
        this.ended(namespace, name, uid, container, { exitCode, reason: exitCode === 0 ? 'Completed' : 'Error' });
        resolve();
      });
    });
    this.runs.set(uid, run);
  }

  /** Writes each volume into the pod's directory; returns mountPath → directory, longest path first. */
  private mountVolumes(pod: V1Pod, container: V1Container, podDir: string, podIP: string): Array<[string, string]> {
    const dirs = new Map<string, string>();
    for (const volume of pod.spec!.volumes ?? []) {
      const dir = path.join(podDir, 'volumes', volume.name);
      mkdirSync(dir, { recursive: true });
      dirs.set(volume.name, dir);
      if (!volume.secret) continue;
      const secret = this.bucket('Secret').get(`${pod.metadata!.namespace}/${volume.secret.secretName}`) as V1Secret;
      const files: Record<string, string> = { ...Object.fromEntries(Object.entries(secret.data ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64').toString('utf8')])), ...secret.stringData };
      for (const [file, content] of Object.entries(files)) {
        writeFileSync(path.join(dir, file), bindToPodAddress(content, podIP), { mode: volume.secret.defaultMode ?? 0o644 });
      }
    }
    return (container.volumeMounts ?? [])
      .map((m): [string, string] => [m.mountPath, dirs.get(m.name) ?? path.join(podDir, 'volumes', m.name)])
      .sort((a, b) => b[0].length - a[0].length);
  }

  /** The container ended: its status says how; a pod being deleted goes now. */
  private ended(namespace: string, name: string, uid: string, container: V1Container, how: { exitCode: number; reason: string; message?: string }): void {
    const run = this.runs.get(uid);
    if (run?.killTimer) clearTimeout(run.killTimer);
    const pod = this.livePod(namespace, name, uid);
    if (!pod) return this.forget(uid);
    if (pod.metadata?.deletionTimestamp) return this.finalize(namespace, name, uid);
    const terminated = { ...how, startedAt: run?.startedAt ?? new Date(), finishedAt: new Date() };
    pod.status = {
      ...pod.status,
      phase: how.exitCode === 0 ? 'Succeeded' : 'Failed',
      conditions: (pod.status?.conditions ?? []).map((c) => (c.type === 'Ready' ? { ...c, status: 'False' } : c)),
      containerStatuses: [this.containerStatus(container, { terminated }, false)],
    };
    this.updatePod(pod);
  }

  /** Removes a deleted pod and, as the garbage collector would, what it owns. */
  private finalize(namespace: string, name: string, uid: string): void {
    const pod = this.livePod(namespace, name, uid);
    if (pod) this.updatePod(pod, 'delete');
    for (const kind of ['Secret', 'NetworkPolicy'] as const) {
      for (const [key, object] of this.bucket(kind)) {
        if (object.metadata?.ownerReferences?.some((o) => o.uid === uid)) this.bucket(kind).delete(key);
      }
    }
    const run = this.runs.get(uid);
    if (!run || run.child.exitCode !== null || run.child.signalCode !== null) this.forget(uid);
  }

  private forget(uid: string): void {
    this.runs.delete(uid);
    rmSync(path.join(this.root, uid), { recursive: true, force: true });
  }

  private signal(child: ChildProcess, signal: NodeJS.Signals): void {
    try {
      process.kill(-child.pid!, signal);
    } catch {
      // Already gone.
    }
  }

  private containerStatus(container: V1Container, state: V1ContainerStatus['state'], ready: boolean, pid?: number): V1ContainerStatus {
    return {
      name: container.name,
      image: container.image ?? '',
      imageID: '',
      ready,
      restartCount: 0,
      started: Boolean(state?.running),
      state,
      ...(pid ? { containerID: `in-memory://${pid}` } : {}),
    };
  }
}

/** A JSON file whose `ip` is 0.0.0.0 (bind everywhere, inside the pod's own network) gets the pod's address. */
function bindToPodAddress(content: string, podIP: string): string {
  try {
    const parsed = JSON.parse(content) as { ip?: unknown };
    if (parsed && typeof parsed === 'object' && parsed.ip === '0.0.0.0') return JSON.stringify({ ...parsed, ip: podIP });
  } catch {
    // Not JSON: as it is.
  }
  return content;
}
