import path from 'node:path';
import { z } from 'zod';
import type { TEnvironmentSpec } from '../../../common/environment';
import { makeCgroup, readKeyed, readNumber, removeCgroup, writeIfPresent, writeValue } from './cgroup-fs';
import { cfsQuotaUs, CFS_PERIOD_US, KERNEL_MAX_PIDS, joinCgroupsArgv, MIB, type TKernelLimits, type TLocalLimits } from './limits';

const ZV2Info = z.object({ mechanism: z.literal('cgroup-v2'), dir: z.string() });

/**
 * cgroup v2: one cgroup per kernel launch under `parent` (a directory whose
 * `cgroup.subtree_control` enables `memory` and `cpu` — the detector makes sure), with
 * `memory.max`, `memory.swap.max = 0`, `memory.oom.group = 1` (an OOM kill takes the whole
 * kernel, not one of its children) and `cpu.max`. `memory.events` counts OOM kills.
 */
export class CgroupV2Limits implements TLocalLimits {
  readonly mechanism = 'cgroup-v2' as const;

  constructor(
    readonly parent: string,
    /** False when the cpu controller could not be enabled: memory only. */
    readonly cpu: boolean,
  ) {}

  async prepare(kernelId: string, launch: number, environment: TEnvironmentSpec): Promise<TKernelLimits> {
    const dir = path.join(this.parent, `${kernelId}.${launch}`);
    await makeCgroup(dir);
    try {
      await writeValue(path.join(dir, 'memory.max'), environment.memoryLimitMib * MIB);
      await writeIfPresent(path.join(dir, 'memory.swap.max'), 0);
      await writeIfPresent(path.join(dir, 'memory.oom.group'), 1);
      // Present when the detector could enable the pids controller.
      await writeIfPresent(path.join(dir, 'pids.max'), KERNEL_MAX_PIDS);
      if (this.cpu) await writeValue(path.join(dir, 'cpu.max'), `${cfsQuotaUs(environment.cpuLimitM)} ${CFS_PERIOD_US}`);
    } catch (err) {
      await removeCgroup(dir, 1);
      throw err;
    }
    return new KernelCgroupV2(dir);
  }

  restore(info: unknown): TKernelLimits | null {
    const parsed = ZV2Info.safeParse(info);
    return parsed.success ? new KernelCgroupV2(parsed.data.dir) : null;
  }

  async close(): Promise<void> {
    await removeCgroup(this.parent, 1);
  }
}

class KernelCgroupV2 implements TKernelLimits {
  constructor(private readonly dir: string) {}

  wrap(argv: readonly string[]): string[] {
    return joinCgroupsArgv([path.join(this.dir, 'cgroup.procs')], argv);
  }

  async oomKilled(): Promise<boolean> {
    const events = await readKeyed(path.join(this.dir, 'memory.events'));
    return (events.get('oom_kill') ?? 0) > 0 || (events.get('oom_group_kill') ?? 0) > 0;
  }

  async usage(): Promise<{ cpuNs: number | null; memoryBytes: number | null }> {
    const usec = (await readKeyed(path.join(this.dir, 'cpu.stat'))).get('usage_usec');
    return { cpuNs: usec === undefined ? null : usec * 1000, memoryBytes: await readNumber(path.join(this.dir, 'memory.current')) };
  }

  async release(): Promise<void> {
    // cgroup.kill (5.14+) ends anything a kernel left behind outside its process group.
    await writeIfPresent(path.join(this.dir, 'cgroup.kill'), 1).catch(() => false);
    await removeCgroup(this.dir);
  }

  toInfo(): Record<string, unknown> {
    return { mechanism: 'cgroup-v2', dir: this.dir };
  }
}
