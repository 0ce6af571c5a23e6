// Host-side plumbing for the pod agent: a bridge, one network namespace + veth
// per pod, and one memory cgroup per container. Everything is named with the
// prefixes from config.ts so that cleanup can find leftovers of a crashed run.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { BRIDGE, BRIDGE_IP, CGROUP_NAME, NETNS_PREFIX, POD_NET_CIDR, VETH_PREFIX } from './config';

export function run(cmd: string, args: string[], opts: { allowFail?: boolean } = {}): string {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    if (opts.allowFail) return '';
    const err = e as { stderr?: string; message: string };
    throw new Error(`${cmd} ${args.join(' ')}: ${(err.stderr ?? '').trim() || err.message}`);
  }
}

// ------------------------------------------------------------------ network

export function ensureBridge(): void {
  const links = run('ip', ['-o', 'link', 'show', 'dev', BRIDGE], { allowFail: true });
  if (!links) {
    // Refuse to shadow a real route to the same range.
    const routes = run('ip', ['-o', 'route', 'show', POD_NET_CIDR]);
    if (routes.trim()) throw new Error(`pod network ${POD_NET_CIDR} is already routed on this host: ${routes.trim()}`);
    run('ip', ['link', 'add', BRIDGE, 'type', 'bridge']);
    run('ip', ['addr', 'add', `${BRIDGE_IP}/16`, 'dev', BRIDGE]);
  }
  run('ip', ['link', 'set', BRIDGE, 'up']);
}

export function deleteBridge(): void {
  run('ip', ['link', 'del', BRIDGE], { allowFail: true });
}

export function netnsName(podUid: string): string {
  return NETNS_PREFIX + podUid.replace(/-/g, '').slice(0, 12);
}

function vethName(podUid: string): string {
  // IFNAMSIZ is 16 incl. NUL: 'lvp' + 12 hex = 15.
  return VETH_PREFIX + podUid.replace(/-/g, '').slice(0, 12);
}

/** Creates netns + veth pair, pod side `eth0` with `ip`/16, host side on the bridge. */
export function createPodNetwork(podUid: string, ip: string): string {
  const ns = netnsName(podUid);
  const host = vethName(podUid);
  const peer = 'lvq' + host.slice(3);
  deletePodNetwork(podUid);
  run('ip', ['netns', 'add', ns]);
  try {
    run('ip', ['link', 'add', host, 'type', 'veth', 'peer', 'name', peer]);
    run('ip', ['link', 'set', peer, 'netns', ns]);
    run('ip', ['link', 'set', host, 'master', BRIDGE, 'up']);
    run('ip', ['-n', ns, 'link', 'set', peer, 'name', 'eth0']);
    run('ip', ['-n', ns, 'addr', 'add', `${ip}/16`, 'dev', 'eth0']);
    run('ip', ['-n', ns, 'link', 'set', 'eth0', 'up']);
    run('ip', ['-n', ns, 'link', 'set', 'lo', 'up']);
    run('ip', ['-n', ns, 'route', 'add', 'default', 'via', BRIDGE_IP]);
    // An entry left for this IP by an earlier pod (an agent that died before freeing it) points at a gone MAC.
    forgetNeighbour(ip);
  } catch (e) {
    deletePodNetwork(podUid);
    throw e;
  }
  return ns;
}

function killNetnsPids(ns: string): void {
  for (const pid of run('ip', ['netns', 'pids', ns], { allowFail: true }).split(/\s+/).filter(Boolean)) {
    try {
      process.kill(Number(pid), 'SIGKILL');
    } catch {
      /* gone */
    }
  }
}

export function deletePodNetwork(podUid: string): void {
  const ns = netnsName(podUid);
  if (listNetns().includes(ns)) {
    killNetnsPids(ns);
    run('ip', ['netns', 'del', ns], { allowFail: true });
  }
  run('ip', ['link', 'del', vethName(podUid)], { allowFail: true });
}

/** Drops the host's ARP entry for a pod IP that is being freed (missing entry: fine). */
export function forgetNeighbour(ip: string): void {
  run('ip', ['neigh', 'del', ip, 'dev', BRIDGE], { allowFail: true });
}

export function listNetns(): string[] {
  return run('ip', ['netns', 'list'], { allowFail: true })
    .split('\n')
    .map((l) => l.trim().split(/\s+/)[0] ?? '')
    .filter((n) => n.startsWith(NETNS_PREFIX));
}

/** Removes every namespace, veth and the bridge this harness ever created. */
export function cleanupNetwork(opts: { keepBridge?: boolean } = {}): void {
  for (const ns of listNetns()) {
    killNetnsPids(ns);
    run('ip', ['netns', 'del', ns], { allowFail: true });
  }
  const links = run('ip', ['-o', 'link', 'show'], { allowFail: true });
  for (const m of links.matchAll(/^\d+:\s+([^:@\s]+)/gm)) {
    const name = m[1]!;
    if (name.startsWith(VETH_PREFIX) && /^lvp[0-9a-f]{12}$/.test(name)) run('ip', ['link', 'del', name], { allowFail: true });
  }
  if (!opts.keepBridge) deleteBridge();
}

// ------------------------------------------------------------------ cgroups

export type CgroupMode = 'v1' | 'v2';

export interface CgroupInfo {
  mode: CgroupMode;
  /** Directory under which this harness creates its per-container cgroups. */
  root: string;
}

let cgroupInfo: CgroupInfo | null = null;

/**
 * cgroup v1 with a writable memory hierarchy at /sys/fs/cgroup/memory, or a
 * unified v2 hierarchy at /sys/fs/cgroup whose root offers the memory controller.
 */
export function detectCgroups(): CgroupInfo {
  if (cgroupInfo) return cgroupInfo;
  const v2Controllers = '/sys/fs/cgroup/cgroup.controllers';
  if (existsSync(v2Controllers) && readFileSync(v2Controllers, 'utf8').split(/\s+/).includes('memory')) {
    cgroupInfo = { mode: 'v2', root: path.join('/sys/fs/cgroup', CGROUP_NAME) };
  } else if (existsSync('/sys/fs/cgroup/memory/memory.limit_in_bytes')) {
    cgroupInfo = { mode: 'v1', root: path.join('/sys/fs/cgroup/memory', CGROUP_NAME) };
  } else {
    throw new Error('no usable memory cgroup: neither /sys/fs/cgroup/memory (v1) nor a v2 root with the memory controller');
  }
  return cgroupInfo;
}

function enableV2Memory(dir: string): void {
  const ctl = path.join(dir, 'cgroup.subtree_control');
  if (!readFileSync(ctl, 'utf8').split(/\s+/).includes('memory')) writeFileSync(ctl, '+memory');
}

/** Creates the container's cgroup and sets its memory limit (bytes; null = unlimited). */
export function createContainerCgroup(name: string, memoryLimit: number | null): string {
  const cg = detectCgroups();
  if (cg.mode === 'v2') {
    enableV2Memory('/sys/fs/cgroup');
    mkdirSync(cg.root, { recursive: true });
    enableV2Memory(cg.root);
  } else {
    mkdirSync(cg.root, { recursive: true });
  }
  const dir = path.join(cg.root, name);
  if (existsSync(dir)) removeCgroup(dir);
  mkdirSync(dir);
  if (memoryLimit !== null) {
    if (cg.mode === 'v2') {
      writeFileSync(path.join(dir, 'memory.max'), String(memoryLimit));
      if (existsSync(path.join(dir, 'memory.swap.max'))) writeFileSync(path.join(dir, 'memory.swap.max'), '0');
    } else {
      writeFileSync(path.join(dir, 'memory.limit_in_bytes'), String(memoryLimit));
      const memsw = path.join(dir, 'memory.memsw.limit_in_bytes');
      if (existsSync(memsw)) writeFileSync(memsw, String(memoryLimit));
    }
  }
  return dir;
}

/** Number of OOM kills the kernel performed inside this cgroup. */
export function oomKills(dir: string): number {
  const cg = detectCgroups();
  try {
    const file = cg.mode === 'v2' ? 'memory.events' : 'memory.oom_control';
    const m = /^oom_kill (\d+)$/m.exec(readFileSync(path.join(dir, file), 'utf8'));
    if (m) return Number(m[1]);
    if (cg.mode === 'v1') {
      // Kernels before 4.13 have no oom_kill counter; hitting the limit is the best signal left.
      return Number(readFileSync(path.join(dir, 'memory.failcnt'), 'utf8').trim()) > 0 ? 1 : 0;
    }
  } catch {
    /* cgroup gone */
  }
  return 0;
}

export function cgroupPids(dir: string): number[] {
  try {
    return readFileSync(path.join(dir, 'cgroup.procs'), 'utf8').split('\n').filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

export function killCgroup(dir: string, signal: NodeJS.Signals = 'SIGKILL'): void {
  if (signal === 'SIGKILL' && existsSync(path.join(dir, 'cgroup.kill'))) {
    try {
      writeFileSync(path.join(dir, 'cgroup.kill'), '1');
      return;
    } catch {
      /* fall through */
    }
  }
  for (const pid of cgroupPids(dir)) {
    try {
      process.kill(pid, signal);
    } catch {
      /* gone */
    }
  }
}

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

export function removeCgroup(dir: string): void {
  for (let i = 0; i < 50; i++) {
    killCgroup(dir, 'SIGKILL');
    try {
      rmdirSync(dir);
      return;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
      sleepSync(100);
    }
  }
  throw new Error(`could not remove cgroup ${dir}: processes ${cgroupPids(dir).join(',')}`);
}

/** Kills every process in and removes every cgroup this harness created. */
export function cleanupCgroups(): void {
  let cg: CgroupInfo;
  try {
    cg = detectCgroups();
  } catch {
    return;
  }
  if (!existsSync(cg.root)) return;
  for (const e of readdirSync(cg.root)) {
    const d = path.join(cg.root, e);
    if (statSync(d).isDirectory()) removeCgroup(d);
  }
  try {
    rmdirSync(cg.root);
  } catch {
    /* busy or gone */
  }
}
