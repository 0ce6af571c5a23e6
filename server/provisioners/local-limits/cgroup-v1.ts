import { access, constants } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import type { TEnvironmentSpec } from '../../../common/environment';
import { makeCgroup, readKeyed, readNumber, removeCgroup, writeIfPresent, writeValue } from './cgroup-fs';
import { cfsQuotaUs, CFS_PERIOD_US, joinCgroupsArgv, KERNEL_MAX_PIDS, MIB, type TKernelLimits, type TLocalLimits } from './limits';

/**
 * Where this gateway's kernel cgroups go on a cgroup v1 machine: `<memory parent>/<id>` and
 * (when the cpu controller is writable) `<cpu parent>/<id>`. `cpuacct` is read from the cpu
 * directory when it is co-mounted there (`cpu,cpuacct`).
 */
export interface TCgroupV1Roots {
  memory: string;
  cpu: string | null;
  /** The pids hierarchy, when mounted and writable: the kernel's process count is capped there. */
  pids?: string | null;
}

const ZV1Info = z.object({ mechanism: z.literal('cgroup-v1'), memory: z.string(), cpu: z.string().nullable(), pids: z.string().nullable().optional(), limitBytes: z.number() });

/**
 * cgroup v1: `memory.limit_in_bytes` (+ `memory.memsw.limit_in_bytes` when swap accounting
 * exists, so swap is no escape) and `cpu.cfs_quota_us`/`cpu.cfs_period_us`. The kernel OOM
 * killer acts inside the cgroup only, so the gateway and other kernels are untouched; the
 * `oom_kill` counter of `memory.oom_control` tells an OOM kill from any other SIGKILL.
 */
export class CgroupV1Limits implements TLocalLimits {
  readonly mechanism = 'cgroup-v1' as const;

  constructor(readonly roots: TCgroupV1Roots) {}

  async prepare(kernelId: string, launch: number, environment: TEnvironmentSpec): Promise<TKernelLimits> {
    const name = `${kernelId}.${launch}`;
    const memory = path.join(this.roots.memory, name);
    const cpu = this.roots.cpu ? path.join(this.roots.cpu, name) : null;
    const pids = this.roots.pids ? path.join(this.roots.pids, name) : null;
    const limitBytes = environment.memoryLimitMib * MIB;
    await makeCgroup(memory);
    try {
      await writeValue(path.join(memory, 'memory.limit_in_bytes'), limitBytes);
      // memsw >= memory must hold at every step; memory was just lowered, so this order works.
      await writeIfPresent(path.join(memory, 'memory.memsw.limit_in_bytes'), limitBytes);
      if (cpu) {
        await makeCgroup(cpu);
        await writeValue(path.join(cpu, 'cpu.cfs_period_us'), CFS_PERIOD_US);
        await writeValue(path.join(cpu, 'cpu.cfs_quota_us'), cfsQuotaUs(environment.cpuLimitM));
      }
      if (pids) {
        await makeCgroup(pids);
        await writeValue(path.join(pids, 'pids.max'), KERNEL_MAX_PIDS);
      }
    } catch (err) {
      await removeCgroup(memory, 1);
      if (cpu) await removeCgroup(cpu, 1);
      if (pids) await removeCgroup(pids, 1);
      throw err;
    }
    return new KernelCgroupV1(memory, cpu, pids, limitBytes);
  }

  restore(info: unknown): TKernelLimits | null {
    const parsed = ZV1Info.safeParse(info);
    return parsed.success ? new KernelCgroupV1(parsed.data.memory, parsed.data.cpu, parsed.data.pids ?? null, parsed.data.limitBytes) : null;
  }

  async close(): Promise<void> {
    await removeCgroup(this.roots.memory, 1);
    if (this.roots.cpu) await removeCgroup(this.roots.cpu, 1);
    if (this.roots.pids) await removeCgroup(this.roots.pids, 1);
  }
}

class KernelCgroupV1 implements TKernelLimits {
  constructor(
    private readonly memory: string,
    private readonly cpu: string | null,
    private readonly pids: string | null,
    private readonly limitBytes: number,
  ) {}

  wrap(argv: readonly string[]): string[] {
    const procs = [path.join(this.memory, 'cgroup.procs')];
    if (this.cpu) procs.push(path.join(this.cpu, 'cgroup.procs'));
    if (this.pids) procs.push(path.join(this.pids, 'cgroup.procs'));
    return joinCgroupsArgv(procs, argv);
  }

  async oomKilled(): Promise<boolean> {
    const oom = await readKeyed(path.join(this.memory, 'memory.oom_control'));
    const kills = oom.get('oom_kill');
    if (kills !== undefined) return kills > 0;
    // Kernels before 4.13 have no oom_kill counter: the limit was hit and usage peaked at it.
    const failcnt = (await readNumber(path.join(this.memory, 'memory.failcnt'))) ?? 0;
    const peak = (await readNumber(path.join(this.memory, 'memory.max_usage_in_bytes'))) ?? 0;
    return failcnt > 0 && peak >= this.limitBytes * 0.95;
  }

  async usage(): Promise<{ cpuNs: number | null; memoryBytes: number | null }> {
    return {
      cpuNs: this.cpu ? await readNumber(path.join(this.cpu, 'cpuacct.usage')) : null,
      memoryBytes: await readNumber(path.join(this.memory, 'memory.usage_in_bytes')),
    };
  }

  async release(): Promise<void> {
    await removeCgroup(this.memory);
    if (this.cpu) await removeCgroup(this.cpu);
    if (this.pids) await removeCgroup(this.pids);
  }

  toInfo(): Record<string, unknown> {
    return { mechanism: 'cgroup-v1', memory: this.memory, cpu: this.cpu, pids: this.pids, limitBytes: this.limitBytes };
  }
}

/** True if this process may create cgroups in `dir` (checked by the detector before choosing v1). */
export async function writableDir(dir: string): Promise<boolean> {
  try {
    await access(dir, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}
