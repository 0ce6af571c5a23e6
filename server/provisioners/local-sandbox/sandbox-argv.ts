import path from 'node:path';
import type { TEnvironmentSpec } from '../../../common/environment';
import { KERNEL_PROJECT_DIR } from '../../../common/project-files-location';

/** Where the kernel finds its own things inside the sandbox. */
export const SANDBOX_HOSTNAME = 'lattice-kernel';
export const SANDBOX_HOME = '/home/lattice';
export const SANDBOX_RUN_DIR = '/run/lattice';
export const SANDBOX_CONNECTION_FILE = `${SANDBOX_RUN_DIR}/connection.json`;
/** ZeroMQ `ipc` endpoints are `<ip>-<port>`: the kernel binds `/run/lattice/kernel-1` … `-5`. */
export const SANDBOX_IPC_PREFIX = `${SANDBOX_RUN_DIR}/kernel`;
/** The launcher hands the seccomp program to bwrap on this descriptor. */
export const SECCOMP_FD = 3;

export type TSandboxNetwork = TEnvironmentSpec['network'] | 'host';

/** The files of /etc a kernel gets of its own (see `etcDir`). */
export const ETC_FILES = ['hosts', 'passwd', 'group'] as const;

/** Their content for a kernel running as `uid`. */
export function etcFiles(uid: number): Record<(typeof ETC_FILES)[number], string> {
  return {
    hosts: `127.0.0.1 localhost ${SANDBOX_HOSTNAME}\n::1 localhost ${SANDBOX_HOSTNAME}\n`,
    passwd: `root:x:0:0:root:/root:/usr/sbin/nologin\nlattice:x:${uid}:${uid}:Lattice kernel:${SANDBOX_HOME}:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n`,
    group: `root:x:0:\nlattice:x:${uid}:\nnogroup:x:65534:\n`,
  };
}

export interface TSandboxedLaunch {
  /** The launcher script (kernel-launcher.sh). */
  launcher: string;
  uid: number;
  /** The group slirp4netns runs as (an egress kernel's route out): the firewall refuses it the host's addresses. */
  networkGid: number;
  /** The environment's setting, or `host` (the host's network namespace: Spark drivers on a standalone master, whose executors connect back to them). */
  network: TSandboxNetwork;
  /** Host directory, private to this kernel: its connection file and sockets (→ /run/lattice). */
  privateDir: string;
  /** Host directory of the user's persistent home for this project (→ /home/lattice). */
  homeDir: string;
  /**
   * The project's files and their group (→ /project, the working directory, read-write for the
   * project's group); none for a pooled kernel that has no project yet (it starts in its home).
   */
  project?: { dir: string; gid: number };
  /**
   * Host directory (root's, read-only to the kernel) with the kernel's own `hosts`, `passwd` and
   * `group`: its hostname and uid resolve (Java takes user.home from passwd; Spark's driver looks
   * itself up), and the host's accounts stay unlisted.
   */
  etcDir: string;
  /** Host directories mounted read-only at the same path: the environment's Python outside /usr. */
  readOnly: readonly string[];
  /** Host directories mounted read-write at the same path (a software build's output and cache); none for kernels. */
  writable?: readonly string[];
  /** The kernel's argv, as it sees it (paths inside the sandbox). */
  argv: readonly string[];
}

/**
 * The argv that starts a kernel in its sandbox: the launcher (uid, network, private dir),
 * then bwrap's view of the filesystem. The kernel sees a read-only system (/usr, /etc), its
 * Python, a private /tmp, /proc of its own PID namespace, a minimal /dev, its home, its own
 * /run/lattice and its project's files: nothing else of the platform's data directory.
 */
export function sandboxArgv(launch: TSandboxedLaunch): string[] {
  const bwrap = [
    '--unshare-all',
    ...(launch.network === 'none' ? [] : ['--share-net']),
    '--hostname', SANDBOX_HOSTNAME,
    '--ro-bind', '/usr', '/usr',
    '--ro-bind', '/etc', '/etc',
    ...ETC_FILES.flatMap((name) => ['--ro-bind', path.join(launch.etcDir, name), `/etc/${name}`]),
    '--symlink', 'usr/bin', '/bin',
    '--symlink', 'usr/sbin', '/sbin',
    '--symlink', 'usr/lib', '/lib',
    '--symlink', 'usr/lib64', '/lib64',
    // Before the binds below: a tmpfs on /tmp would hide a Python that lives under /tmp.
    '--tmpfs', '/tmp',
    ...launch.readOnly.filter((dir) => !isUnder(dir, '/usr')).flatMap((dir) => ['--ro-bind', dir, dir]),
    ...(launch.writable ?? []).flatMap((dir) => ['--bind', dir, dir]),
    '--proc', '/proc',
    '--dev', '/dev',
    '--dir', '/run',
    '--bind', launch.privateDir, SANDBOX_RUN_DIR,
    '--bind', launch.homeDir, SANDBOX_HOME,
    ...(launch.project ? ['--bind', launch.project.dir, KERNEL_PROJECT_DIR, '--chdir', KERNEL_PROJECT_DIR] : ['--chdir', SANDBOX_HOME]),
    '--setenv', 'HOME', SANDBOX_HOME,
    '--setenv', 'TMPDIR', '/tmp',
    '--cap-drop', 'ALL',
    '--seccomp', String(SECCOMP_FD),
    '--',
    ...launch.argv,
  ];
  // The launcher is pid 1 of a PID namespace of its own: whatever it started (bwrap, slirp4netns)
  // dies and is reaped with it, instead of lingering as zombies of a host init that may not reap.
  return ['unshare', '--pid', '--fork', '--kill-child', '--mount-proc', '--', '/bin/sh', launch.launcher, String(launch.uid), launch.network, launch.privateDir, String(launch.networkGid), launch.project ? String(launch.project.gid) : '-', '--', ...bwrap];
}

function isUnder(dir: string, root: string): boolean {
  const rel = path.relative(root, dir);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}
