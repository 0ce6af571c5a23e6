import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from 'pino';
import { readText, removeCgroup, writeValue } from './cgroup-fs';
import { CgroupV1Limits, writableDir } from './cgroup-v1';
import { CgroupV2Limits } from './cgroup-v2';
import { NO_LIMITS, type TLocalLimits } from './limits';
import { RlimitLimits } from './rlimit';

/** `auto` tries cgroup v2, then v1, then rlimits; the others force one mechanism (or none). */
export type TLimitsMode = 'auto' | 'cgroup-v2' | 'cgroup-v1' | 'rlimit' | 'none';

export interface TDetectOptions {
  mode: TLimitsMode;
  /**
   * The cgroup (path inside each hierarchy, e.g. `/lattice`) kernel cgroups are created
   * under; null = `<the gateway's own cgroup>/lattice`, so limits nest inside whatever
   * holds the gateway.
   */
  parent: string | null;
  logger: Logger;
}

interface TMount {
  root: string;
  mountPoint: string;
  fsType: string;
  superOptions: string[];
}

async function mounts(): Promise<TMount[]> {
  const text = (await readText('/proc/self/mountinfo')) ?? '';
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [pre, post] = line.split(' - ');
      const fields = pre.split(' ');
      const [fsType, , superOptions = ''] = (post ?? '').split(' ');
      return { root: fields[3], mountPoint: fields[4], fsType, superOptions: superOptions.split(',') };
    });
}

/** `/proc/self/cgroup`: hierarchy controllers (`memory`, `cpu,cpuacct`, `` for v2) → path. */
async function ownCgroups(): Promise<Map<string, string>> {
  const text = (await readText('/proc/self/cgroup')) ?? '';
  const out = new Map<string, string>();
  for (const line of text.split('\n').filter(Boolean)) {
    const [, controllers, ...rest] = line.split(':');
    out.set(controllers, rest.join(':'));
  }
  return out;
}

/** The directory of cgroup `cgroupPath` in a hierarchy mounted at `mount`. */
function dirIn(mount: TMount, cgroupPath: string): string {
  const relative = mount.root !== '/' && cgroupPath.startsWith(mount.root) ? cgroupPath.slice(mount.root.length) : cgroupPath;
  return path.join(mount.mountPoint, relative);
}

function parentPath(own: string | undefined, opts: TDetectOptions): string {
  return opts.parent ?? path.posix.join(own ?? '/', 'lattice');
}

/** Creates `dir`, a probe cgroup in it, writes `file` there; true if all of it worked. */
async function probe(dir: string, file: string, value: string | number): Promise<boolean> {
  const probeDir = path.join(dir, `probe-${process.pid}`);
  try {
    await mkdir(probeDir, { recursive: true });
    await writeValue(path.join(probeDir, file), value);
    return true;
  } catch {
    return false;
  } finally {
    await removeCgroup(probeDir, 5);
  }
}

async function tryV2(opts: TDetectOptions, why: string[]): Promise<TLocalLimits | null> {
  const mount = (await mounts()).find((m) => m.fsType === 'cgroup2');
  if (!mount) return (why.push('cgroup v2: not mounted'), null);
  const parent = dirIn(mount, parentPath((await ownCgroups()).get(''), opts));
  const above = path.dirname(parent);
  const available = ((await readText(path.join(above, 'cgroup.controllers'))) ?? '').trim().split(/\s+/);
  if (!available.includes('memory')) return (why.push(`cgroup v2: no memory controller in ${above}`), null);
  try {
    await mkdir(parent, { recursive: true });
  } catch (err) {
    return (why.push(`cgroup v2: cannot create ${parent}: ${(err as Error).message}`), null);
  }
  // Controllers must be enabled on the way down; this fails (EBUSY) when the gateway's own
  // cgroup holds processes and is not the root — then point LATTICE_CGROUP_PARENT elsewhere.
  const enable = async (controller: string) => {
    try {
      await writeValue(path.join(above, 'cgroup.subtree_control'), `+${controller}`);
      await writeValue(path.join(parent, 'cgroup.subtree_control'), `+${controller}`);
      return true;
    } catch {
      return false;
    }
  };
  if (!(await enable('memory')) || !(await probe(parent, 'memory.max', 64 * 1024 * 1024))) {
    await removeCgroup(parent, 1);
    return (why.push(`cgroup v2: cannot enable the memory controller for ${parent}`), null);
  }
  const cpu = available.includes('cpu') && (await enable('cpu')) && (await probe(parent, 'cpu.max', '100000 100000'));
  if (available.includes('pids')) await enable('pids');
  return new CgroupV2Limits(parent, cpu);
}

async function tryV1(opts: TDetectOptions, why: string[]): Promise<TLocalLimits | null> {
  const all = await mounts();
  const own = await ownCgroups();
  const hierarchy = (controller: string) => {
    const mount = all.find((m) => m.fsType === 'cgroup' && m.superOptions.includes(controller));
    const key = [...own.keys()].find((k) => k.split(',').includes(controller));
    return mount ? dirIn(mount, parentPath(key ? own.get(key) : '/', opts)) : null;
  };
  const memory = hierarchy('memory');
  if (!memory) return (why.push('cgroup v1: no memory hierarchy mounted'), null);
  if (!(await writableDir(path.dirname(memory))) && !(await writableDir(memory))) {
    return (why.push(`cgroup v1: ${path.dirname(memory)} is not writable`), null);
  }
  if (!(await probe(memory, 'memory.limit_in_bytes', 64 * 1024 * 1024))) {
    await removeCgroup(memory, 1);
    return (why.push(`cgroup v1: cannot create a memory cgroup under ${memory}`), null);
  }
  let cpu = hierarchy('cpu');
  if (cpu && !(await probe(cpu, 'cpu.cfs_quota_us', 100_000))) {
    await removeCgroup(cpu, 1);
    cpu = null;
  }
  let pids = hierarchy('pids');
  if (pids && !(await probe(pids, 'pids.max', 64))) {
    await removeCgroup(pids, 1);
    pids = null;
  }
  return new CgroupV1Limits({ memory, cpu, pids });
}

/**
 * Chooses how local kernels are limited on this machine and logs the choice (and, at debug,
 * why the better mechanisms were not usable). Called once at gateway start-up.
 */
export async function detectLocalLimits(opts: TDetectOptions): Promise<TLocalLimits> {
  const why: string[] = [];
  let limits: TLocalLimits | null = null;
  if (opts.mode === 'none') limits = NO_LIMITS;
  else if (opts.mode === 'rlimit') limits = new RlimitLimits();
  else {
    if (opts.mode === 'auto' || opts.mode === 'cgroup-v2') limits = await tryV2(opts, why);
    if (!limits && (opts.mode === 'auto' || opts.mode === 'cgroup-v1')) limits = await tryV1(opts, why);
    if (!limits && opts.mode !== 'auto') throw new Error(`LATTICE_KERNEL_LIMITS=${opts.mode} is not usable here: ${why.join('; ')}`);
    limits ??= new RlimitLimits();
  }
  opts.logger.info({ mechanism: limits.mechanism, ...describe(limits), unusable: why.length ? why : undefined }, `kernel resource limits: ${limits.mechanism}`);
  return limits;
}

function describe(limits: TLocalLimits): Record<string, unknown> {
  if (limits instanceof CgroupV2Limits) return { memory: 'memory.max', cpu: limits.cpu ? 'cpu.max' : 'not enforced', parent: limits.parent };
  if (limits instanceof CgroupV1Limits) {
    return { memory: 'memory.limit_in_bytes', cpu: limits.roots.cpu ? 'cpu.cfs_quota_us' : 'not enforced', pids: limits.roots.pids ? 'pids.max' : 'not enforced', parent: limits.roots.memory };
  }
  if (limits instanceof RlimitLimits) return { memory: 'RLIMIT_DATA (ulimit -d)', cpu: 'not enforced' };
  return { memory: 'not enforced', cpu: 'not enforced' };
}
