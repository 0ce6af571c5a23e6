import { ZConnectionInfo, type TConnectionInfo } from '../../zmq/connection-info';
import { randomUUID } from 'node:crypto';
import type { V1Pod } from '@kubernetes/client-node';
import { z } from 'zod';
import type { TEnvironmentSpec } from '../../../common/environment';
import type { TExecutor } from '../../../common/kernel-model';
import type { TDb } from '../../../db/client';
import type { TKubernetesConfig } from '../../config';
import {
  KernelStartError,
  type KernelProvisioner,
  type TExitInfo,
  type TLaunchProgress,
  type TLaunchSpec,
  type TProvisionerContext,
} from '../provisioner';
import { apiMessage, apiStatus, quotaRefusal, tolerate } from './api-errors';
import { connectionSecretName, LABELS, namespaceFor, podNameFor } from './names';
import { kubernetesSparkConf, type TSparkConf } from '../../spark/spark-conf';
import { sparkNetworkPolicies } from './network-policy';
import { connectionSecretManifest, executorPodTemplate, KERNEL_PORTS, kernelImage, kernelLabels, kernelPodManifest } from './pod-manifest';
import { executorFromPod, exitInfo, launchView, unschedulableMessage } from './pod-status';
import type { PodApi } from './pod-api';
import type { PodWatch } from './pod-watch';
import type { ProjectNamespaces } from './project-namespace';
import { mirrorProjectQuota } from './quota-mirror';

/** What every kubernetes provisioner of one gateway shares. */
export interface TKubernetesShared {
  config: Readonly<TKubernetesConfig>;
  db: TDb;
  api: PodApi;
  watch: PodWatch;
  namespaces: ProjectNamespaces;
}

/**
 * Creates an object owned by the kernel pod; one of the same name is left from the previous pod
 * (a restart) when the garbage collector has not caught up yet: it goes first.
 */
async function createReplacingLeftover(create: () => Promise<unknown>, remove: () => Promise<unknown>): Promise<void> {
  try {
    await create();
  } catch (err) {
    if (apiStatus(err) !== 409) throw err;
    await tolerate([404], remove);
    await create();
  }
}

/** How long cleanup waits for a deleted pod to disappear (a restart reuses its name). */
const POD_GONE_WAIT_MS = 30_000;

export const ZKubernetesInfo = z.object({
  namespace: z.string().min(1),
  podName: z.string().min(1),
  uid: z.string().nullable(),
  /** With the pod's IP as `ip`. */
  connection: ZConnectionInfo.nullable(),
  /** A Spark driver: `executors()` lists its executor pods. */
  spark: z.boolean().optional(),
});

/**
 * One kernel as one pod in its project's namespace (DESIGN 4.2). The connection file (fixed
 * ports, a fresh HMAC key) travels in a Secret owned by the pod; the gateway connects to the
 * pod IP. State comes from the shared pod watch, never from polling the API server.
 * A restart is a new pod with the same ports and key, hence a new IP.
 */
export class KubernetesProvisioner implements KernelProvisioner {
  /** The gateway sends interrupt_request on control: there is no process to signal from here. */
  readonly interruptMode = 'message' as const;
  private namespace: string | null = null;
  private podName: string | null = null;
  private uid: string | null = null;
  private connection: TConnectionInfo | null = null;
  private spark = false;
  /** The watch has shown the current pod at least once (so its absence means it is gone). */
  private seen = false;
  /** We deleted the pod: its disappearance is a stop, not a crash. */
  private deleting = false;
  private ended: TExitInfo | null = null;
  private exitListener: (() => void) | null = null;
  private unfollow: (() => void) | null = null;

  constructor(
    private readonly shared: TKubernetesShared,
    private readonly ctx: TProvisionerContext,
  ) {}

  async launch(spec: TLaunchSpec, onProgress: (step: TLaunchProgress, message?: string) => void): Promise<TConnectionInfo> {
    const { config, api, db } = this.shared;
    const owner = this.ctx.owner;
    if (!owner) {
      throw new KernelStartError('error', 'A Kubernetes kernel needs an owning project; warm pools are not available for kubernetes environments.');
    }
    if (!this.namespace) {
      if (!this.ctx.projectSlug) throw new KernelStartError('error', 'A Kubernetes kernel needs its project\'s slug to find its namespace; the launch did not give one.');
      this.namespace = namespaceFor(config.namespacePrefix, this.ctx.projectSlug);
    }
    const namespace = this.namespace;
    const software = spec.environment.software;
    if (software && (!software.base.startsWith('image:') || !config.software.volumeSource)) {
      throw new KernelStartError(
        'error',
        software.base.startsWith('image:')
          ? 'This environment has its own packages, but the gateway has no software store for Kubernetes (LATTICE_K8S_SOFTWARE_VOLUME); ask an administrator to set one.'
          : `This environment's software was built for a local Python (${software.base}); save the template again to build it for Kubernetes.`,
      );
    }
    const podName = (this.podName = podNameFor(config.podNamePrefix, spec.kernelId));
    await this.shared.namespaces.ensure(namespace, owner.projectId);
    if (config.mirrorQuotas) {
      // The gateway's admission is authoritative: a mirror that cannot be written is logged, not fatal.
      await mirrorProjectQuota({ db, api, namespace, projectId: owner.projectId }).catch((err) =>
        this.ctx.logger.warn({ namespace, err: apiMessage(err) }, 'could not mirror the project quota into its namespace'),
      );
    }

    // A relaunch (restart) keeps ports and key so connected clients carry on.
    const base: TConnectionInfo = this.connection ?? {
      transport: 'tcp',
      ip: '0.0.0.0',
      ...KERNEL_PORTS,
      key: randomUUID(),
      signature_scheme: 'hmac-sha256',
      kernel_name: spec.environment.slug,
    };
    this.spark = spec.environment.spark !== null;
    const labels = kernelLabels({ kernelId: spec.kernelId, owner, environment: spec.environment });
    let sparkConf: TSparkConf | null = null;
    if (spec.environment.spark) {
      try {
        sparkConf = kubernetesSparkConf(spec.environment.spark, {
          kernelId: spec.kernelId,
          namespace,
          driverPodName: podName,
          image: kernelImage(spec.environment, config),
          apiUrl: config.apiUrlForPods,
          // Not `component=kernel`: the kernel pod watch and the sweeper must not take executors for kernels.
          labels: { ...labels, [LABELS.name]: 'lattice-spark-executor', [LABELS.component]: 'spark-executor' },
        });
      } catch (err) {
        throw new KernelStartError('error', (err as Error).message);
      }
    }
    const manifest = kernelPodManifest({ namespace, podName, kernelId: spec.kernelId, owner, environment: spec.environment, config, env: spec.env, sparkConf });

    let pod: V1Pod;
    try {
      pod = await api.createPod(namespace, manifest);
    } catch (err) {
      const refusal = quotaRefusal(err);
      if (refusal) throw new KernelStartError('quota', `The project's Kubernetes namespace quota refused the kernel: ${refusal}`);
      throw new Error(`the API server refused the kernel pod: ${apiMessage(err)}`);
    }
    this.uid = pod.metadata!.uid!;
    this.seen = false;
    this.deleting = false;
    this.ended = null;
    this.follow();
    this.ctx.logger.info({ namespace, pod: podName, uid: this.uid }, 'kernel pod created');

    // After the pod, so that it owns them. The kernel starts once its Secret exists (the kubelet
    // waits for it), so a Spark driver's policies are in place before it creates any executor.
    if (sparkConf) {
      for (const body of sparkNetworkPolicies({ namespace, name: podName, uid: this.uid, kernelId: spec.kernelId }, config)) {
        await createReplacingLeftover(
          () => api.createNetworkPolicy(namespace, body),
          () => api.deleteNetworkPolicy(namespace, body.metadata!.name!),
        );
      }
    }
    const secret = connectionSecretManifest({ namespace, name: podName, uid: this.uid, labels }, base, sparkConf ? executorPodTemplate(config, owner.projectId, spec.environment) : null);
    await createReplacingLeftover(
      () => api.createSecret(namespace, secret),
      () => api.deleteSecret(namespace, secret.metadata!.name!),
    );

    const podIP = await this.awaitRunning(onProgress);
    this.connection = { ...base, ip: podIP };
    this.ctx.logger.info({ namespace, pod: podName, podIP }, 'kernel pod running');
    return this.connection;
  }

  /** The current pod from the watch's cache, if it is the one we created. */
  private currentPod(): V1Pod | undefined {
    if (!this.namespace || !this.podName) return undefined;
    const pod = this.shared.watch.kernelPod(this.namespace, this.podName);
    return pod?.metadata?.uid === this.uid ? pod : undefined;
  }

  /** Follows the current pod so that its end reaches the manager at once (`onExit`). */
  private follow(): void {
    this.unfollow?.();
    const uid = this.uid;
    this.unfollow = this.shared.watch.subscribe(this.namespace!, this.podName!, (pod, deleted) => {
      if (pod.metadata?.uid !== uid) return;
      this.seen = true;
      if (deleted || exitInfo(pod)) this.exitListener?.();
    });
  }

  /** Resolves with the pod IP once the kernel container runs; reports each step on the way. */
  private awaitRunning(onProgress: (step: TLaunchProgress, message?: string) => void): Promise<string> {
    const { watch, config } = this.shared;
    const uid = this.uid;
    return new Promise<string>((resolve, reject) => {
      let settled = false;
      const finish = (err: Error | null, podIP?: string) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        unsubscribe();
        if (err) reject(err);
        else resolve(podIP!);
      };
      const consider = (pod: V1Pod, deleted: boolean) => {
        if (pod.metadata?.uid !== uid) return;
        this.seen = true;
        if (deleted) return finish(new KernelStartError('error', 'The kernel pod was deleted before it started.'));
        const view = launchView(pod);
        switch (view.kind) {
          case 'pending':
            return;
          case 'progress':
            return onProgress(view.step, view.message ?? undefined);
          case 'running':
            onProgress('starting');
            return finish(null, view.podIP);
          case 'failed':
            return finish(new KernelStartError(view.reason, view.message));
          case 'ended':
            this.ended = view.exit;
            return finish(
              new KernelStartError(
                view.exit.reason === 'oom-killed' ? 'oom-killed' : 'error',
                `The kernel pod ended before it was ready (${view.exit.reason}, exit code ${view.exit.exitCode ?? 'unknown'}); see its log.`,
              ),
            );
        }
      };
      const unsubscribe = watch.subscribe(this.namespace!, this.podName!, consider);
      const timer = setTimeout(() => {
        const pod = this.currentPod();
        const waitingFor = pod && unschedulableMessage(pod);
        const seconds = Math.round(config.launchTimeoutMs / 1000);
        finish(
          waitingFor
            ? new KernelStartError('unschedulable', `No node could take the kernel within ${seconds} s: ${waitingFor}`)
            : new KernelStartError('timeout', `The kernel pod did not start within ${seconds} s.`),
        );
      }, config.launchTimeoutMs);
      const cached = this.currentPod();
      if (cached) consider(cached, false);
    });
  }

  async poll(): Promise<TExitInfo | null> {
    if (!this.uid) return { exitCode: null, signal: null, reason: 'exited' };
    if (this.ended) return this.ended;
    const pod = this.currentPod();
    if (!pod) {
      // Created but not yet through the watch: still starting.
      if (!this.seen) return null;
      this.ended = this.deleting
        ? { exitCode: null, signal: null, reason: 'exited' }
        : { exitCode: null, signal: 'pod deleted', reason: 'crashed' };
      return this.ended;
    }
    this.seen = true;
    this.ended = exitInfo(pod);
    return this.ended;
  }

  onExit(listener: () => void): void {
    this.exitListener = listener;
  }

  async interrupt(): Promise<void> {
    // interruptMode is `message`: the manager sends interrupt_request itself.
  }

  async terminate(): Promise<void> {
    await this.deletePod(5);
  }

  async kill(): Promise<void> {
    // Not 0: a forced deletion frees the pod's name, IP and node capacity before the kubelet
    // has stopped it; one second lets the kubelet SIGKILL it and confirm.
    await this.deletePod(1);
  }

  private async deletePod(gracePeriodSeconds: number): Promise<void> {
    if (!this.uid || !this.namespace || !this.podName) return;
    this.deleting = true;
    const { namespace, podName: name, uid } = this;
    // The precondition keeps us from deleting a newer pod of the same name.
    await tolerate([404, 409], () => this.shared.api.deletePod(namespace, name, { gracePeriodSeconds, uid }));
  }

  async cleanup({ restart }: { restart: boolean }): Promise<void> {
    if (this.uid && this.namespace && this.podName) {
      const { namespace, podName } = this;
      await this.deletePod(1);
      await tolerate([404], () => this.shared.api.deleteSecret(namespace, connectionSecretName(podName)));
      await this.podGone();
    }
    this.unfollow?.();
    this.unfollow = null;
    this.uid = null;
    this.seen = false;
    this.ended = null;
    if (!restart) this.connection = null;
  }

  /** Resolves once the watch no longer shows the pod (a relaunch reuses its name), or after a bound. */
  private async podGone(): Promise<void> {
    const deadline = Date.now() + POD_GONE_WAIT_MS;
    while (this.currentPod() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  }

  toInfo(): Record<string, unknown> {
    return { namespace: this.namespace, podName: this.podName, uid: this.uid, connection: this.connection, spark: this.spark };
  }

  /** Spark kernels: the executor pods the driver created, in a stable order. */
  async executors(): Promise<TExecutor[] | null> {
    if (!this.spark || !this.uid || !this.namespace) return null;
    return this.shared.watch
      .executorsOf(this.namespace, this.uid)
      .map(executorFromPod)
      .sort((a, b) => a.id.localeCompare(b.id, undefined, { numeric: true }));
  }

  /** Rebuilds a provisioner for a pod an earlier gateway process created (the watch has synced). */
  static fromInfo(shared: TKubernetesShared, info: unknown, ctx: TProvisionerContext): KubernetesProvisioner {
    const parsed = ZKubernetesInfo.parse(info);
    const p = new KubernetesProvisioner(shared, ctx);
    p.namespace = parsed.namespace;
    p.podName = parsed.podName;
    p.uid = parsed.uid;
    p.connection = parsed.connection;
    p.seen = true;
    p.spark = parsed.spark ?? false;
    if (p.uid) p.follow();
    return p;
  }
}
