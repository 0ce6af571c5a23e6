import { readdirSync, readFileSync } from 'node:fs';

/** Linux reports process CPU time in clock ticks of 1/100 s (CLK_TCK on every mainstream build). */
const TICK_MICROS = 10_000;

interface TProcStat {
  pid: number;
  ppid: number;
  /** utime + stime of the process itself, and cutime + cstime of its reaped children. */
  own: number;
  reaped: number;
}

function readStat(pid: number): TProcStat | null {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which is in parentheses and may contain spaces.
    const f = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return { pid, ppid: Number(f[1]), own: Number(f[11]) + Number(f[12]), reaped: Number(f[13]) + Number(f[14]) };
  } catch {
    return null;
  }
}

function allStats(): TProcStat[] {
  return readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .map((d) => readStat(Number(d)))
    .filter((s): s is TProcStat => s !== null);
}

/** A live process and all its live descendants (root first); empty if the root is gone. */
function processTree(rootPid: number): TProcStat[] {
  const stats = allStats();
  const children = new Map<number, TProcStat[]>();
  for (const s of stats) children.set(s.ppid, [...(children.get(s.ppid) ?? []), s]);
  const root = stats.find((s) => s.pid === rootPid);
  const tree: TProcStat[] = [];
  const walk = (s: TProcStat) => {
    tree.push(s);
    for (const c of children.get(s.pid) ?? []) walk(c);
  };
  if (root) walk(root);
  return tree;
}

/**
 * CPU time (µs) used so far by a process and all its descendants, live or exited and reaped
 * (Postgres: the postmaster, its backends and background workers).
 */
export function treeCpuMicros(rootPid: number): number {
  const tree = processTree(rootPid);
  if (tree.length === 0) return 0;
  return (tree[0].reaped + tree.reduce((sum, s) => sum + s.own, 0)) * TICK_MICROS;
}

/** PIDs of a process's live descendants (a server's kernels, which may sit in other process groups). */
export function descendantPids(rootPid: number): number[] {
  return processTree(rootPid)
    .slice(1)
    .map((s) => s.pid);
}

/** The postmaster listening on `port` (found by its `-p <port>` argument), or null. */
export function findPostmaster(port: number): number | null {
  for (const d of readdirSync('/proc').filter((x) => /^\d+$/.test(x))) {
    try {
      const argv = readFileSync(`/proc/${d}/cmdline`, 'utf8').split('\0');
      const at = argv.indexOf('-p');
      if (argv[0].endsWith('/postgres') && at > 0 && argv[at + 1] === String(port)) return Number(d);
    } catch {
      // gone meanwhile
    }
  }
  return null;
}
