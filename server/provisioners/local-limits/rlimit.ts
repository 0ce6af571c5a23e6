import type { TEnvironmentSpec } from '../../../common/environment';
import type { TKernelLimits, TLocalLimits } from './limits';

/**
 * The fallback where no cgroup is writable: `ulimit -d` (RLIMIT_DATA: heap and private
 * writable mappings, Linux 4.7+) in a `/bin/sh` wrapper before `exec`, per process of the
 * kernel. Not RLIMIT_AS (`ulimit -v`): address space counts reservations that use no memory
 * (thread stacks, malloc arenas), and ipykernel does not even start under 256 MiB of it.
 * An allocation past the limit fails inside the kernel (Python raises MemoryError) instead
 * of killing it, so `oom-killed` is never reported here. RLIMIT_CPU caps total seconds, not
 * a rate, so the CPU limit is not enforced (the start-up log says so).
 */
export class RlimitLimits implements TLocalLimits {
  readonly mechanism = 'rlimit' as const;

  async prepare(_kernelId: string, _launch: number, environment: TEnvironmentSpec): Promise<TKernelLimits> {
    return new KernelRlimit(environment.memoryLimitMib * 1024);
  }

  restore(): TKernelLimits | null {
    // Limits stay with the process; nothing to find again.
    return new KernelRlimit(null);
  }

  async close(): Promise<void> {}
}

class KernelRlimit implements TKernelLimits {
  constructor(private readonly dataKib: number | null) {}

  wrap(argv: readonly string[]): string[] {
    if (this.dataKib === null) return [...argv];
    return ['/bin/sh', '-c', `ulimit -d ${this.dataKib} && exec "$@"`, 'lattice-kernel', ...argv];
  }

  async oomKilled(): Promise<boolean> {
    return false;
  }

  async usage(): Promise<{ cpuNs: null; memoryBytes: null }> {
    return { cpuNs: null, memoryBytes: null };
  }

  async release(): Promise<void> {}

  toInfo(): Record<string, unknown> {
    return { mechanism: 'rlimit' };
  }
}
