import * as k8s from '@kubernetes/client-node';

/** When the benchmark's watch saw a pod appear, bound to a node and Running (`performance.now()` ms). */
export interface TPodTimes {
  created: number;
  scheduled: number | null;
  running: number | null;
}

/**
 * Watches the pods of one namespace and records, per pod, when it appeared and when it was
 * first Running with an IP. `keyOf` names the launch a pod belongs to (the benchmark's own
 * sequence number), so waiting and timing go by launch, not by pod name.
 */
export class PodWatch {
  readonly pods = new Map<string, TPodTimes>();
  private readonly waiters = new Map<string, () => void>();
  private abort: AbortController | null = null;
  private failure: Error | null = null;

  private constructor(private readonly keyOf: (pod: k8s.V1Pod) => string | null) {}

  /** Resolves once the watch is established (the API server answered the request). */
  static async start(kubeconfig: k8s.KubeConfig, namespace: string, keyOf: (pod: k8s.V1Pod) => string | null): Promise<PodWatch> {
    const watch = new PodWatch(keyOf);
    watch.abort = await new k8s.Watch(kubeconfig).watch(
      `/api/v1/namespaces/${namespace}/pods`,
      { allowWatchBookmarks: false },
      (type, pod: k8s.V1Pod) => watch.observe(type, pod),
      (err) => {
        // Ended by stop() (no error, or the abort) or by the API server: the latter is a failed run.
        if (watch.abort && !watch.abort.signal.aborted) watch.failure = new Error(`pod watch of ${namespace} ended: ${(err as Error)?.message ?? 'closed by the API server'}`);
      },
    );
    return watch;
  }

  private observe(type: string, pod: k8s.V1Pod): void {
    if (type !== 'ADDED' && type !== 'MODIFIED') return;
    const key = this.keyOf(pod);
    if (key === null) return;
    const now = performance.now();
    let times = this.pods.get(key);
    if (!times) {
      times = { created: now, scheduled: null, running: null };
      this.pods.set(key, times);
    }
    if (times.scheduled === null && pod.spec?.nodeName) times.scheduled = now;
    if (times.running === null && pod.status?.phase === 'Running' && pod.status.podIP) {
      times.running = now;
      this.waiters.get(key)?.();
      this.waiters.delete(key);
    }
  }

  /** Resolves when the pod of launch `key` is Running; rejects after `timeoutMs` or when the watch broke. */
  running(key: string, timeoutMs: number): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.pods.get(key)?.running != null) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(key);
        reject(this.failure ?? new Error(`launch ${key}: no Running pod after ${timeoutMs / 1000} s`));
      }, timeoutMs);
      this.waiters.set(key, () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  stop(): void {
    const abort = this.abort;
    this.abort = null;
    abort?.abort();
  }
}
