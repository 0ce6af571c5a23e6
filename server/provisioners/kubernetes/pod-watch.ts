import type { V1Pod } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import { KERNEL_POD_SELECTOR, SPARK_EXECUTOR_SELECTOR } from './names';
import type { PodApi, TPodInformer } from './pod-api';

/** A pod was added or changed, or (`deleted`) is gone; `pod` is its last known state. */
export type TPodListener = (pod: V1Pod, deleted: boolean) => void;

/** How long a broken watch waits before it lists and watches again. */
const RESTART_DELAY_MS = 2000;

const key = (namespace: string, name: string) => `${namespace}/${name}`;

/**
 * One list+watch per selector, cluster-wide, shared by every kernel's provisioner: kernel pods
 * and Spark executor pods, each cached by namespace/name. Provisioners read the cache
 * (`poll`, `executors`) and subscribe to their own pod's changes (`launch`, `onExit`);
 * nothing polls the API server.
 */
export class PodWatch {
  private readonly kernelPods: TPodInformer;
  private readonly executorPods: TPodInformer;
  private readonly listeners = new Map<string, Set<TPodListener>>();
  private stopped = false;
  private readonly restarts = new Set<NodeJS.Timeout>();

  constructor(
    private readonly api: PodApi,
    private readonly logger: Logger,
  ) {
    this.kernelPods = api.podInformer(KERNEL_POD_SELECTOR);
    this.executorPods = api.podInformer(SPARK_EXECUTOR_SELECTOR);
    const notify = (deleted: boolean) => (pod: V1Pod) => {
      const listeners = this.listeners.get(key(pod.metadata?.namespace ?? '', pod.metadata?.name ?? ''));
      for (const listener of [...(listeners ?? [])]) listener(pod, deleted);
    };
    this.kernelPods.on('add', notify(false));
    this.kernelPods.on('update', notify(false));
    this.kernelPods.on('delete', notify(true));
    for (const [what, informer] of [['kernel pods', this.kernelPods], ['executor pods', this.executorPods]] as const) {
      // An informer stops at the first error (a dropped connection, an expired watch); start it again.
      informer.on('error', (err: unknown) => {
        if (this.stopped) return;
        this.logger.warn({ err: (err as Error)?.message ?? String(err), what }, 'pod watch interrupted; restarting');
        const timer = setTimeout(() => {
          this.restarts.delete(timer);
          if (!this.stopped) informer.start().catch(() => undefined);
        }, RESTART_DELAY_MS);
        this.restarts.add(timer);
      });
    }
  }

  /** Resolves once both caches hold the initial list (so a reattaching gateway sees existing pods). */
  async start(): Promise<void> {
    // An informer swallows a failed first list (it only reports it to 'error'); an empty cache
    // would make reattach think every pod is gone, so fail here instead.
    await this.api.listPods(KERNEL_POD_SELECTOR, 1);
    await Promise.all([this.kernelPods.start(), this.executorPods.start()]);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const timer of this.restarts) clearTimeout(timer);
    await Promise.all([this.kernelPods.stop(), this.executorPods.stop()]);
  }

  /** The kernel pod as last seen by the watch; undefined if it does not exist (or not yet seen). */
  kernelPod(namespace: string, name: string): V1Pod | undefined {
    return this.kernelPods.get(name, namespace);
  }

  /** Every kernel pod the watch knows (the sweeper's input). */
  allKernelPods(): readonly V1Pod[] {
    return this.kernelPods.list();
  }

  /** Executor pods owned by the given driver pod (Spark sets the ownerReference to the driver). */
  executorsOf(namespace: string, driverUid: string): V1Pod[] {
    return this.executorPods.list(namespace).filter((p) => p.metadata?.ownerReferences?.some((o) => o.uid === driverUid));
  }

  /** Calls `listener` on every change of one kernel pod until the returned function is called. */
  subscribe(namespace: string, name: string, listener: TPodListener): () => void {
    const k = key(namespace, name);
    let set = this.listeners.get(k);
    if (!set) this.listeners.set(k, (set = new Set()));
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0 && this.listeners.get(k) === set) this.listeners.delete(k);
    };
  }
}
