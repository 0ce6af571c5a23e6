import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { chmod, chown, mkdir, realpath, rm, writeFile } from 'node:fs/promises';
import { closeSync, existsSync, openSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { Logger } from 'pino';
import { projectFilesDir, projectFilesGid } from '../../../common/project-files-location';
import { etcFiles, SANDBOX_CONNECTION_FILE, sandboxArgv, SECCOMP_FD, type TSandboxNetwork } from './sandbox-argv';
import { seccompProgram } from './seccomp-filter';

const run = promisify(execFile);
const LAUNCHER = path.join(path.dirname(fileURLToPath(import.meta.url)), 'kernel-launcher.sh');
/** Unix socket paths are at most 107 bytes; the longest is `<private dir>/kernel-5`. */
const MAX_SOCKET_PATH = 107;

export interface TSandboxSettings {
  /** The platform's data directory: kernels' private dirs under `sandbox/`, homes under `homes/`. */
  dataDir: string;
  /** The Python that runs kernels by default (its environment is mounted read-only). */
  python: string;
  /** Kernel uids: the first is the warm pool's (kernels with no owner yet), the last the group of kernels' network helper, the one before it software builds', the rest are users'. */
  uidMin: number;
  uidMax: number;
  /** Allocates (once) and returns the uid of a user's kernels, from uidMin + 1 … uidMax - 2. */
  uidOfUser(userId: string): Promise<number>;
  logger: Logger;
}

/** What one kernel launch runs as and where. */
export interface TSandboxPlacement {
  uid: number;
  privateDir: string;
  homeDir: string;
  /** Root's, beside the private dir: the kernel's own /etc/hosts, passwd and group. */
  etcDir: string;
  /** The project's files (owned kernels only). */
  project?: { dir: string; gid: number };
}

/**
 * Local kernels' sandbox (DESIGN §6): each kernel as an unprivileged uid with no capabilities
 * and no_new_privs, in its own mount, PID, IPC, UTS, cgroup and network namespaces (bubblewrap),
 * under a seccomp filter, seeing only a read-only system, its Python, its home and its own
 * connection file. `start` checks all of that works here and refuses with what to install.
 */
export class KernelSandbox {
  private constructor(
    private readonly settings: TSandboxSettings,
    private readonly seccompFile: string,
    private readonly pythonRoots: readonly string[],
  ) {}

  /** Called once at gateway start-up; throws a message an operator can act on. */
  static async start(settings: TSandboxSettings): Promise<KernelSandbox> {
    if (process.getuid?.() !== 0) {
      throw new Error('The kernel sandbox needs the gateway to run as root (to start kernels as unprivileged uids). Run it as root, or set LATTICE_LOCAL_SANDBOX=off on a single-person machine.');
    }
    const missing = ['bwrap', 'setpriv', 'unshare', 'slirp4netns', 'iptables'].filter((tool) => !onPath(tool));
    if (missing.length) {
      throw new Error(`The kernel sandbox needs ${missing.join(', ')}, not found on PATH. Install the Debian packages bubblewrap, slirp4netns, iptables and util-linux (\`.ci/run\` and \`npm start\` do), or set LATTICE_LOCAL_SANDBOX=off on a single-person machine.`);
    }
    const longest = path.join(settings.dataDir, 'sandbox', '00000000-0000-0000-0000-000000000000', 'kernel-5');
    if (Buffer.byteLength(longest) > MAX_SOCKET_PATH) {
      throw new Error(`LATTICE_DATA_DIR is too long for the kernels' sockets (${longest} is over ${MAX_SOCKET_PATH} bytes); choose a shorter data directory.`);
    }
    // Kernels' uids traverse the data directory to their own dirs (bwrap mounts them as the
    // kernel's uid); they can list nothing in it, and its secrets are 0600.
    await chmod(settings.dataDir, 0o711);
    const dirs = { sandbox: path.join(settings.dataDir, 'sandbox'), homes: path.join(settings.dataDir, 'homes') };
    for (const dir of Object.values(dirs)) {
      await mkdir(dir, { recursive: true });
      // Kernels' uids must traverse to their own dir, never list anyone else's.
      await chmod(dir, 0o711);
    }
    const seccompFile = path.join(dirs.sandbox, 'seccomp.bpf');
    await writeFile(seccompFile, seccompProgram(), { mode: 0o600 });
    const sandbox = new KernelSandbox(settings, seccompFile, await pythonRoots(settings.python));
    await sandbox.guardHostAddresses();
    await sandbox.selfTest();
    settings.logger.info({ uids: `${settings.uidMin}-${settings.uidMax}` }, 'kernel sandbox ready (bubblewrap, seccomp, per-user uids)');
    return sandbox;
  }

  /** The uid software builds run as: never a user's or the pool's, so a build can touch no kernel's files. */
  get builderUid(): number {
    return this.settings.uidMax - 1;
  }

  /**
   * The uid and directories of one launch: the owner's uid and home, or (no owner) `scratchUid`
   * (the pool's, or the builder's for a software build) and a scratch home in the private dir.
   */
  async place(kernelId: string, owner: { projectId: string; userId: string } | undefined, scratchUid = this.settings.uidMin): Promise<TSandboxPlacement> {
    const uid = owner ? await this.settings.uidOfUser(owner.userId) : scratchUid;
    const privateDir = path.join(this.settings.dataDir, 'sandbox', kernelId);
    const etcDir = `${privateDir}.etc`;
    // A pooled kernel has no owner yet: a scratch home inside its private dir (gone with it).
    const homeDir = owner ? path.join(this.settings.dataDir, 'homes', owner.userId, owner.projectId) : path.join(privateDir, 'home');
    // Independent steps run at once: done one by one they were ~8 ms of every cold start.
    const makePrivateDir = async () => {
      await rm(privateDir, { recursive: true, force: true });
      await mkdir(privateDir, { mode: 0o700 });
      await chown(privateDir, uid, uid);
    };
    const makeEtc = async () => {
      await rm(etcDir, { recursive: true, force: true });
      await mkdir(etcDir, { mode: 0o755 });
      await Promise.all(Object.entries(etcFiles(uid)).map(([name, content]) => writeFile(path.join(etcDir, name), content, { mode: 0o644 })));
    };
    const makeHome = async () => {
      if (owner) {
        await mkdir(path.dirname(homeDir), { recursive: true, mode: 0o711 });
        if (!existsSync(homeDir)) await mkdir(homeDir, { mode: 0o700 });
      } else {
        await makePrivateDir();
        await mkdir(homeDir, { mode: 0o700 });
      }
      await chown(homeDir, uid, uid);
    };
    const project = owner ? { dir: projectFilesDir(this.settings.dataDir, owner.projectId), gid: projectFilesGid(owner.projectId) } : undefined;
    const makeProjectFiles = async () => {
      if (!project) return;
      // The same layout the web makes on first upload (lib/files/project-file-area.ts), whichever comes first.
      await mkdir(path.dirname(project.dir), { recursive: true, mode: 0o711 });
      await chmod(path.dirname(project.dir), 0o711);
      await mkdir(project.dir, { recursive: true });
      await chown(project.dir, 0, project.gid);
      await chmod(project.dir, 0o2770);
    };
    await Promise.all(owner ? [makePrivateDir(), makeEtc(), makeHome(), makeProjectFiles()] : [makeEtc(), makeHome()]);
    return { uid, privateDir, homeDir, etcDir, project };
  }

  /** Writes the kernel's view of its connection file (inside its private dir, readable by it only). */
  async writeConnectionFile(placement: TSandboxPlacement, content: Record<string, unknown>): Promise<void> {
    const file = path.join(placement.privateDir, path.basename(SANDBOX_CONNECTION_FILE));
    // The dir was just made afresh (place); `wx` refuses to follow anything planted in it.
    await writeFile(file, JSON.stringify(content), { mode: 0o600, flag: 'wx' });
    await chown(file, placement.uid, placement.uid);
  }

  /** The argv of a sandboxed launch and the seccomp program's descriptor (to pass as fd 3). */
  async command(
    placement: TSandboxPlacement,
    network: TSandboxNetwork,
    argv: readonly string[],
    /** Platform files the kernel runs (e.g. the Spark startup script, its software environment), mounted read-only. */
    platformFiles: readonly string[] = [],
    /** Directories a software build writes (its output, uv's cache); never a kernel's. */
    writable: readonly string[] = [],
  ): Promise<{ argv: string[]; seccompFd: number }> {
    return {
      argv: sandboxArgv({ launcher: LAUNCHER, etcDir: placement.etcDir, uid: placement.uid, networkGid: this.settings.uidMax, network, privateDir: placement.privateDir, homeDir: placement.homeDir, project: placement.project, readOnly: [...this.pythonRoots, ...platformFiles], writable, argv }),
      // The provisioner closes it once the child has it.
      seccompFd: openSync(this.seccompFile, 'r'),
    };
  }

  /** Removes a kernel's private dir (never its home). */
  async release(kernelId: string): Promise<void> {
    const privateDir = path.join(this.settings.dataDir, 'sandbox', kernelId);
    await rm(privateDir, { recursive: true, force: true });
    await rm(`${privateDir}.etc`, { recursive: true, force: true });
  }

  /**
   * Every egress kernel's slirp4netns runs with group `uidMax`, which no kernel process has, so
   * one rule on that group keeps egress kernels off this host's own addresses (their loopback is
   * already refused by slirp4netns) while a kernel's own loopback (Spark's JVM) is untouched.
   */
  private async guardHostAddresses(): Promise<void> {
    const chain = 'LATTICE-KERNELS';
    const owner = ['-m', 'owner', '--gid-owner', String(this.settings.uidMax)];
    const reject = ['-m', 'addrtype', '--dst-type', 'LOCAL', '-j', 'REJECT'];
    await run('iptables', ['-w', '-N', chain]).catch(() => undefined);
    if (!(await succeeds('iptables', ['-w', '-C', chain, ...reject]))) await run('iptables', ['-w', '-A', chain, ...reject]);
    if (!(await succeeds('iptables', ['-w', '-C', 'OUTPUT', ...owner, '-j', chain]))) await run('iptables', ['-w', '-I', 'OUTPUT', ...owner, '-j', chain]);
  }

  /** Runs the default Python in a sandbox as the pool uid: catches a Python other uids cannot read. */
  private async selfTest(): Promise<void> {
    const placement = await this.place(`self-test-${process.pid}`, undefined);
    try {
      const { argv, seccompFd } = await this.command(placement, 'none', [this.settings.python, '-c', 'import ipykernel']);
      const result = await new Promise<{ code: number | null; output: string }>((resolve, reject) => {
        const stdio: Array<'ignore' | 'pipe' | number> = ['ignore', 'pipe', 'pipe'];
        stdio[SECCOMP_FD] = seccompFd;
        const child: ChildProcess = spawn(argv[0], argv.slice(1), { stdio, env: { PATH: process.env.PATH ?? '/usr/bin:/bin' } as Partial<NodeJS.ProcessEnv> as NodeJS.ProcessEnv });
        let output = '';
        child.stdout?.on('data', (d: Buffer) => (output += d));
        child.stderr?.on('data', (d: Buffer) => (output += d));
        child.once('error', reject);
        child.once('exit', (code: number | null) => resolve({ code, output }));
      }).finally(() => closeSync(seccompFd));
      if (result.code !== 0) {
        throw new Error(`A sandboxed kernel could not start here: ${result.output.trim().split('\n').slice(-3).join(' ')}. Its Python (${this.settings.python}) must be readable by other users (not under /root) and have ipykernel; user namespaces must be allowed (user.max_user_namespaces > 0).`);
      }
    } finally {
      await rm(placement.privateDir, { recursive: true, force: true });
      await rm(placement.etcDir, { recursive: true, force: true });
    }
  }
}

function onPath(tool: string): boolean {
  return (process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin').split(':').some((dir) => existsSync(path.join(dir, tool)));
}

async function succeeds(cmd: string, args: string[]): Promise<boolean> {
  return run(cmd, args).then(
    () => true,
    () => false,
  );
}

/** The Python's environment root(s) that must be mounted: the venv and the Python it was made from. */
async function pythonRoots(python: string): Promise<string[]> {
  const roots = new Set<string>();
  const venv = path.dirname(path.dirname(path.isAbsolute(python) ? python : await whichPython(python)));
  roots.add(venv);
  const real = await realpath(path.join(venv, 'bin', 'python')).catch(() => null);
  if (real) roots.add(path.dirname(path.dirname(real)));
  return [...roots];
}

async function whichPython(name: string): Promise<string> {
  const { stdout } = await run('sh', ['-c', `command -v ${JSON.stringify(name)}`]);
  return stdout.trim();
}
