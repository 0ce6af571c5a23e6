import type { TEnvironmentSpec } from '../../../common/environment';

/** How local kernels are held to their environment's CPU and memory limits on this machine. */
export type TLimitMechanism = 'cgroup-v2' | 'cgroup-v1' | 'rlimit' | 'none';

/** Cumulative resource use of one kernel (its cgroup, or its process group); null = unknown. */
export interface TRawUsage {
  /** CPU time used since the kernel started, in nanoseconds. */
  cpuNs: number | null;
  /** Memory in use now, in bytes. */
  memoryBytes: number | null;
}

/**
 * Limits for one launch of one kernel. The local provisioner creates it before spawning
 * (`prepare`), spawns `wrap(argv)` so the limits hold from the first instruction (a cgroup
 * joined, or an rlimit set, before `exec`), and releases it after the process group is gone.
 */
export interface TKernelLimits {
  /** The argv to spawn: the kernel's argv behind a tiny `/bin/sh` wrapper that applies the limits. */
  wrap(argv: readonly string[]): string[];
  /** After the kernel ended: did the kernel's memory limit kill it? */
  oomKilled(): Promise<boolean>;
  /** Current use as the mechanism measures it (cgroup counters); nulls where it cannot. */
  usage(): Promise<TRawUsage>;
  /** Removes what `prepare` created (the cgroup); the kernel's processes must be gone. */
  release(): Promise<void>;
  /** Persisted in the provisioner state so a restarted gateway can find the cgroup again. */
  toInfo(): Record<string, unknown>;
}

/**
 * The seam between the local provisioner and the machine's limit mechanism, chosen once at
 * start-up by `detectLocalLimits` (which logs the choice).
 */
export interface TLocalLimits {
  readonly mechanism: TLimitMechanism;
  /** Called by the local provisioner before each (re)launch of a kernel. */
  prepare(kernelId: string, launch: number, environment: TEnvironmentSpec): Promise<TKernelLimits>;
  /** Called when a restarted gateway rebuilds a provisioner from `toInfo()` output; null if unusable. */
  restore(info: unknown): TKernelLimits | null;
  /** Gateway exit: removes this gateway's now-empty parent cgroup if it can (other gateways may share it). */
  close(): Promise<void>;
}

/** No limits at all (LATTICE_KERNEL_LIMITS=none): the argv runs as is. */
export const NO_LIMITS: TLocalLimits = {
  mechanism: 'none',
  async prepare() {
    return unlimited;
  },
  restore() {
    return unlimited;
  },
  async close() {},
};

const unlimited: TKernelLimits = {
  wrap: (argv) => [...argv],
  oomKilled: async () => false,
  usage: async () => ({ cpuNs: null, memoryBytes: null }),
  release: async () => undefined,
  toInfo: () => ({ mechanism: 'none' }),
};

/**
 * `/bin/sh` script that writes its own pid into each file given before `--` (cgroup.procs),
 * then execs the rest: the kernel starts, and forks, inside its cgroups. Exit 121 = the
 * cgroup could not be joined (the kernel log says why).
 */
const JOIN_SCRIPT = 'for f in "$@"; do shift; [ "$f" = -- ] && break; echo $$ > "$f" || exit 121; done; exec "$@"';

export function joinCgroupsArgv(procsFiles: readonly string[], argv: readonly string[]): string[] {
  return ['/bin/sh', '-c', JOIN_SCRIPT, 'lattice-kernel', ...procsFiles, '--', ...argv];
}

/** CPU quota per 100 ms period for a limit in millicores (at least 1 ms, the kernel's minimum). */
export const CFS_PERIOD_US = 100_000;
export function cfsQuotaUs(cpuLimitM: number): number {
  return Math.max(1000, Math.round((cpuLimitM / 1000) * CFS_PERIOD_US));
}

export const MIB = 1024 * 1024;

/**
 * Processes and threads one kernel may hold (cgroup `pids.max`): a Spark driver's JVM runs
 * ~150 threads, BLAS a few per core; a fork or thread bomb stops here instead of exhausting
 * the host's pid_max (32,768 here) for everyone.
 */
export const KERNEL_MAX_PIDS = 1024;
