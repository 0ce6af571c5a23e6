import type { V1ContainerStatus, V1Pod } from '@kubernetes/client-node';
import type { TExecutor, TLaunchStep } from '../../../common/kernel-model';
import type { TKernelReason } from '../../../common/kernel-states';
import type { TExitInfo } from '../provisioner';
import { KERNEL_CONTAINER } from './pod-manifest';
import { SPARK_EXEC_ID_LABEL } from './names';

/** Where a launching pod is, as `launch()` reports it. */
export type TLaunchView =
  | { kind: 'pending' }
  | { kind: 'progress'; step: TLaunchStep; message: string | null }
  | { kind: 'running'; podIP: string }
  | { kind: 'failed'; reason: TKernelReason; message: string }
  | { kind: 'ended'; exit: TExitInfo };

const IMAGE_PULL_FAILURES = new Set(['ErrImagePull', 'ImagePullBackOff', 'InvalidImageName', 'ErrImageNeverPull']);

function kernelContainer(pod: V1Pod): V1ContainerStatus | undefined {
  return pod.status?.containerStatuses?.find((c) => c.name === KERNEL_CONTAINER) ?? pod.status?.containerStatuses?.[0];
}

/** The scheduler's words while it cannot place the pod, else null. */
export function unschedulableMessage(pod: V1Pod): string | null {
  const scheduled = pod.status?.conditions?.find((c) => c.type === 'PodScheduled');
  if (scheduled?.status !== 'False') return null;
  return scheduled.message || scheduled.reason || 'no node can take the pod yet';
}

/** Maps a launching pod to a progress step, running, a failure to give up on, or an early end. */
export function launchView(pod: V1Pod): TLaunchView {
  const exit = exitInfo(pod);
  if (exit) return { kind: 'ended', exit };
  const container = kernelContainer(pod);
  if (container?.state?.running && pod.status?.podIP) return { kind: 'running', podIP: pod.status.podIP };
  const waiting = container?.state?.waiting;
  if (waiting?.reason && IMAGE_PULL_FAILURES.has(waiting.reason)) {
    const image = pod.spec?.containers.find((c) => c.name === KERNEL_CONTAINER)?.image ?? 'the image';
    return {
      kind: 'failed',
      reason: 'image-pull',
      message: `The kernel image ${image} could not be pulled (${waiting.reason}${waiting.message ? `: ${waiting.message}` : ''}); check the environment's image.`,
    };
  }
  const unschedulable = unschedulableMessage(pod);
  if (unschedulable) return { kind: 'progress', step: 'waiting', message: `waiting for capacity: ${unschedulable}` };
  if (container?.state?.running) return { kind: 'progress', step: 'starting', message: null };
  // ContainerCreating (pulling, mounting) or a Secret not visible yet: transient either way.
  if (waiting) return { kind: 'progress', step: 'pulling-image', message: null };
  const scheduled = pod.spec?.nodeName || pod.status?.conditions?.some((c) => c.type === 'PodScheduled' && c.status === 'True');
  return scheduled ? { kind: 'progress', step: 'scheduled', message: null } : { kind: 'pending' };
}

/**
 * How the kernel's pod ended, or null while it has not: the kernel's reasons from what the
 * kubelet wrote (OOMKilled, Evicted, exit codes).
 */
export function exitInfo(pod: V1Pod): TExitInfo | null {
  if (pod.status?.reason === 'Evicted') return { exitCode: null, signal: null, reason: 'evicted' };
  const terminated = kernelContainer(pod)?.state?.terminated;
  if (terminated) {
    const signal = terminated.signal ? `signal ${terminated.signal}` : null;
    let reason: TKernelReason = terminated.exitCode === 0 ? 'exited' : 'crashed';
    if (terminated.reason === 'OOMKilled') reason = 'oom-killed';
    return { exitCode: terminated.exitCode, signal, reason };
  }
  if (pod.status?.phase === 'Failed' || pod.status?.phase === 'Succeeded') {
    return { exitCode: null, signal: null, reason: pod.status.phase === 'Succeeded' ? 'exited' : 'crashed' };
  }
  return null;
}

function cpuCores(quantity: string | undefined): number {
  if (!quantity) return 0;
  return quantity.endsWith('m') ? Number(quantity.slice(0, -1)) / 1000 : Number(quantity);
}

const MEMORY_UNITS: Record<string, number> = {
  Ki: 1 / 1024, Mi: 1, Gi: 1024, Ti: 1024 * 1024,
  k: 1e3 / 2 ** 20, M: 1e6 / 2 ** 20, G: 1e9 / 2 ** 20, T: 1e12 / 2 ** 20,
};

function memoryMib(quantity: string | undefined): number {
  if (!quantity) return 0;
  const match = /^([0-9.]+)([A-Za-z]*)$/.exec(quantity);
  if (!match) return 0;
  const unit = match[2] ? MEMORY_UNITS[match[2]] : 1 / 2 ** 20;
  return unit === undefined ? 0 : Math.round(Number(match[1]) * unit);
}

/** A Spark executor pod as the dashboard shows it. */
export function executorFromPod(pod: V1Pod): TExecutor {
  const container = pod.status?.containerStatuses?.[0];
  const requests = (pod.spec?.containers[0]?.resources?.requests ?? {}) as Record<string, string>;
  const phase = pod.status?.phase;
  const state: TExecutor['state'] =
    phase === 'Pending' ? 'pending' : phase === 'Running' ? 'running' : phase === 'Succeeded' ? 'succeeded' : phase === 'Failed' ? 'failed' : 'unknown';
  const terminated = container?.state?.terminated;
  const reason =
    state === 'pending'
      ? (unschedulableMessage(pod) ?? container?.state?.waiting?.reason ?? null)
      : (terminated?.reason ?? pod.status?.reason ?? null);
  return {
    id: pod.metadata?.labels?.[SPARK_EXEC_ID_LABEL] ?? pod.metadata?.name ?? 'unknown',
    state,
    reason,
    host: pod.status?.podIP ?? null,
    cores: cpuCores(requests.cpu),
    memoryMib: memoryMib(requests.memory),
  };
}
