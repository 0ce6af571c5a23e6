import type { Logger } from 'pino';
import { z } from 'zod';
import type { TEnvironmentSpec } from '../../common/environment';
import type { TExecutor, TLaunchStep } from '../../common/kernel-model';
import type { TKernelReason } from '../../common/kernel-states';
import type { TConnectionInfo } from '../zmq/connection-info';

/**
 * The gateway's only door to compute (DESIGN 4.2), modelled on jupyter_client's
 * KernelProvisionerBase. One instance per kernel, owned by that kernel's `ManagedKernel`;
 * only the kernel manager calls these methods, never an HTTP handler.
 *
 * `restart: true` means the kernel is being replaced by a fresh process with the same
 * kernel id and connection info (ports and key), so whatever a relaunch needs is kept.
 */
export interface KernelProvisioner {
  /** How `interrupt()` reaches the kernel; also published in the kernelspec. */
  readonly interruptMode: 'signal' | 'message';

  /**
   * Called by the manager to start the kernel (and again after `cleanup({restart: true})`
   * to relaunch it). Resolves with the connection info once the process exists; readiness
   * (kernel_info) is the manager's business. Reports progress through `onProgress`, with a
   * message for people where there is one (`waiting`: the scheduler's reason). A launch that
   * can never succeed (unschedulable past the start timeout, image pull failure) rejects with
   * a `KernelStartError` whose reason (`unschedulable`, `image-pull`, …) becomes the `failed` reason.
   */
  launch(spec: TLaunchSpec, onProgress: (step: TLaunchProgress, message?: string) => void): Promise<TConnectionInfo>;

  /** Called by the manager's liveness loop: null while the kernel runs, else how it ended. */
  poll(): Promise<TExitInfo | null>;

  /** Called for `POST …/interrupt` when `interruptMode` is `signal` (SIGINT to the process group). */
  interrupt(): Promise<void>;

  /** Polite stop (SIGTERM), called when the kernel ignored shutdown_request. */
  terminate(opts: { restart: boolean }): Promise<void>;

  /** Forceful stop (SIGKILL), called when `terminate` did not end the kernel in time. */
  kill(opts: { restart: boolean }): Promise<void>;

  /**
   * Called after the process is gone. Without restart it releases everything the kernel
   * held (connection file, ports, later cgroups/pods); with restart it keeps what the
   * relaunch reuses.
   */
  cleanup(opts: { restart: boolean }): Promise<void>;

  /** What `fromInfo` needs to reattach; the manager persists it in `kernels.provisioner_state`. */
  toInfo(): Record<string, unknown>;

  /**
   * Called by the manager's sampling loop every few seconds while the kernel runs: CPU and
   * memory in use now (for the dashboard, against the environment's limits). Optional;
   * null when the provisioner cannot tell.
   */
  sample?(): Promise<TUsageSample | null>;

  /**
   * Called once by the manager after creating the provisioner: `listener` runs as soon as
   * the provisioner learns that the kernel's process ended (a child's exit event), so a
   * crash is noticed at once instead of at the next `poll()`. The manager then calls `poll()`.
   */
  onExit?(listener: () => void): void;

  /**
   * Spark kernels: the executors now (pods on Kubernetes, a standalone master's executors
   * otherwise). Called by the manager's sampling loop; null when the kernel has no Spark
   * executors or they cannot be read right now.
   */
  executors?(): Promise<TExecutor[] | null>;

  /**
   * Called by the warm pool when it hands a pooled kernel (started with no owner) to its
   * owner: the running process stays as it is, and every relaunch from now on is the owner's
   * (the local sandbox: the owner's uid and home).
   */
  adopt?(owner: { projectId: string; userId: string }): void;
}

/**
 * A launch that did not produce a ready kernel; `reason` becomes the `failed` reason.
 * Provisioners throw it for failures they can name (`unschedulable`, `image-pull`, …).
 */
/** "killed by SIGKILL" / "exit code 1": how a kernel process ended, for messages people read. */
export function describeExit(exit: TExitInfo): string {
  return exit.signal ? `killed by ${exit.signal}` : `exit code ${exit.exitCode ?? 'unknown'}`;
}

export class KernelStartError extends Error {
  constructor(
    readonly reason: TKernelReason,
    message: string,
  ) {
    super(message);
    this.name = 'KernelStartError';
  }
}

/** A resource sample, as stored in `kernels.usage`: CPU in millicores, memory in MiB. */
export interface TUsageSample {
  cpuM: number;
  memoryMib: number;
  /** ISO 8601. */
  sampledAt: string;
}

/** What a launch is for. `env` holds the client's KERNEL_* variables (already filtered). */
export interface TLaunchSpec {
  kernelId: string;
  environment: TEnvironmentSpec;
  env: Record<string, string>;
}

export type TLaunchProgress = TLaunchStep;

export interface TExitInfo {
  exitCode: number | null;
  signal: string | null;
  reason: TKernelReason;
}

/** Per-kernel context a factory gives each provisioner. */
export interface TProvisionerContext {
  kernelId: string;
  logger: Logger;
  /**
   * Whose kernel it is, for provisioners that place or label it by owner (the `kubernetes`
   * namespace and labels). Absent for warm-pool kernels, which have no owner yet.
   */
  owner?: { projectId: string; userId: string };
  /**
   * The owning project's slug, resolved with the launch target, for provisioners that name what
   * they create after the project (the `kubernetes` namespace), so none has to look it up. Set
   * for a new kernel; a rebuilt one (`fromInfo`) has what it derived from it in its info.
   */
  projectSlug?: string;
}

/**
 * A registry entry (registry.ts holds them under their names). `create` makes a provisioner for
 * a new kernel; `fromInfo` rebuilds one from `toInfo()` output after a gateway restart (throws
 * if the info is unusable).
 */
export interface TProvisionerFactory {
  /** Published as the kernelspec's `interrupt_mode` for environments using this provisioner. */
  readonly interruptMode: 'signal' | 'message';
  create(ctx: TProvisionerContext): KernelProvisioner;
  fromInfo(info: unknown, ctx: TProvisionerContext): KernelProvisioner;
}
