import https from 'node:https';
import { createInterface } from 'node:readline';
import type * as k8s from '@kubernetes/client-node';

/** When the benchmark's watch saw a pod appear, bound to a node and Running (`performance.now()` ms). */
export interface TPodTimes {
  name: string;
  created: number;
  scheduled: number | null;
  running: number | null;
}

interface TWatchEvent {
  type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';
  object: k8s.V1Pod & { code?: number; message?: string };
}

/**
 * Watches the pods of one namespace and records, per pod, when it appeared, was bound and
 * was first Running with an IP. `keyOf` names the launch a pod belongs to (the benchmark's
 * own sequence number), so waiting and timing go by launch, not by pod name.
 *
 * A plain list-then-watch on node:https that resumes from the last resourceVersion when the
 * API server ends the stream: client-node's `Watch` ends silently (its done callback sees its
 * own abort), which would stall the benchmark until its launch timeout.
 */
export class PodWatch {
  readonly pods = new Map<string, TPodTimes>();
  /** How often the watch stream had to be reopened (reported: each is a gap of a round trip). */
  restarts = 0;
  private readonly waiters = new Map<string, { resolve(): void; reject(err: Error): void }>();
  private request: ReturnType<typeof https.get> | null = null;
  private stopped = false;
  private failure: Error | null = null;

  private constructor(
    private readonly kubeConfig: k8s.KubeConfig,
    private readonly namespace: string,
    private readonly keyOf: (pod: k8s.V1Pod) => string | null,
  ) {}

  /** Lists the namespace's pods, then follows changes from there; resolves once the watch stream is open. */
  static async start(kubeConfig: k8s.KubeConfig, namespace: string, keyOf: (pod: k8s.V1Pod) => string | null): Promise<PodWatch> {
    const watch = new PodWatch(kubeConfig, namespace, keyOf);
    const list = JSON.parse(await watch.get(`/api/v1/namespaces/${namespace}/pods`)) as k8s.V1PodList;
    for (const pod of list.items) watch.observe(pod);
    await watch.follow(list.metadata!.resourceVersion!);
    return watch;
  }

  private async options(path: string): Promise<https.RequestOptions> {
    const server = new URL(this.kubeConfig.getCurrentCluster()!.server);
    const options: https.RequestOptions = { hostname: server.hostname, port: server.port, path, headers: { accept: 'application/json' } };
    await this.kubeConfig.applyToHTTPSOptions(options);
    return options;
  }

  private async get(path: string): Promise<string> {
    const options = await this.options(path);
    return new Promise((resolve, reject) => {
      https
        .get(options, (res) => {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => (body += chunk));
          res.on('end', () => (res.statusCode === 200 ? resolve(body) : reject(new Error(`GET ${path}: HTTP ${res.statusCode}: ${body}`))));
        })
        .on('error', reject);
    });
  }

  private async follow(resourceVersion: string): Promise<void> {
    let lastVersion = resourceVersion;
    const options = await this.options(`/api/v1/namespaces/${this.namespace}/pods?watch=true&resourceVersion=${resourceVersion}&allowWatchBookmarks=true`);
    await new Promise<void>((resolve, reject) => {
      this.request = https.get(options, (res) => {
        if (res.statusCode !== 200) {
          reject(new Error(`watch of ${this.namespace} pods: HTTP ${res.statusCode}`));
          res.resume();
          return;
        }
        resolve();
        // However the stream ends (the API server's timeout, a reset), resume where it stopped.
        let resumed = false;
        const resume = () => {
          if (resumed || this.stopped || this.failure) return;
          resumed = true;
          this.restarts++;
          this.follow(lastVersion).catch((err: Error) => this.fail(err));
        };
        const lines = createInterface({ input: res });
        lines.on('line', (line) => {
          const event = JSON.parse(line) as TWatchEvent;
          if (event.type === 'ERROR') {
            // 410 Gone: too far behind to resume; nothing to do but fail loudly.
            this.fail(new Error(`watch of ${this.namespace} pods: ${event.object.message ?? 'error event'}`));
            return;
          }
          lastVersion = event.object.metadata?.resourceVersion ?? lastVersion;
          if (event.type === 'ADDED' || event.type === 'MODIFIED') this.observe(event.object);
        });
        lines.on('error', resume);
        res.on('error', resume);
        res.on('close', resume);
      });
      this.request.on('error', (err) => {
        if (!this.stopped) reject(err);
      });
    });
  }

  private fail(err: Error): void {
    this.failure ??= err;
    for (const waiter of this.waiters.values()) waiter.reject(err);
    this.waiters.clear();
  }

  private observe(pod: k8s.V1Pod): void {
    const key = this.keyOf(pod);
    if (key === null) return;
    const now = performance.now();
    let times = this.pods.get(key);
    if (!times) {
      times = { name: pod.metadata!.name!, created: now, scheduled: null, running: null };
      this.pods.set(key, times);
    }
    if (times.scheduled === null && pod.spec?.nodeName) times.scheduled = now;
    if (times.running === null && pod.status?.phase === 'Running' && pod.status.podIP) {
      times.running = now;
      this.waiters.get(key)?.resolve();
      this.waiters.delete(key);
    }
  }

  /** Resolves when the pod of launch `key` is Running; rejects after `timeoutMs` or when the watch failed. */
  running(key: string, timeoutMs: number): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.pods.get(key)?.running != null) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(key);
        reject(this.failure ?? new Error(`launch ${key}: no Running pod after ${timeoutMs / 1000} s`));
      }, timeoutMs);
      this.waiters.set(key, {
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
        reject: (err) => {
          clearTimeout(timer);
          reject(err);
        },
      });
    });
  }

  stop(): void {
    this.stopped = true;
    this.request?.destroy();
  }
}
