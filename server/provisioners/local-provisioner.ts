import { ZConnectionInfo, type TConnectionInfo } from '../zmq/connection-info';
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, openSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { constants } from 'node:os';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import type { TExecutor } from '../../common/kernel-model';
import type { TKernelSoftware } from '../../common/software';
import { softwareEnvDir } from '../software/software-paths';
import { layeredPython, USER_LAYER_SCRIPT, userLayerDir } from '../software/user-layer';
import { driverExecutors } from '../spark/driver-executors';
import { localModeSparkConf, SPARK_STARTUP_SCRIPT, sparkKernelArgs, sparkKernelEnv, standaloneSparkConf } from '../spark/spark-conf';
import { checkSparkMaster } from '../spark/standalone-master';
import { findFreePorts } from './free-ports';
import { newLocalConnection } from './local-connection';
import { NO_LIMITS, type TKernelLimits, type TLocalLimits } from './local-limits/limits';
import { processGroupUsage, processStat } from './local-limits/proc-usage';
import type { KernelSandbox, TSandboxPlacement } from './local-sandbox/kernel-sandbox';
import { SANDBOX_CONNECTION_FILE, SANDBOX_IPC_PREFIX, SECCOMP_FD } from './local-sandbox/sandbox-argv';
import { ipykernelArgs } from '../kernels/ipykernel-command';
import {
  KernelStartError,
  type KernelProvisioner,
  type TExitInfo,
  type TLaunchProgress,
  type TLaunchSpec,
  type TProvisionerContext,
  type TProvisionerFactory,
  type TUsageSample,
} from './provisioner';

const ZLocalConfig = z.object({
  /** Python with ipykernel, used when an environment has no argv of its own. */
  python: z.string().min(1),
  /** Kernel directories (connection file, log, working directory) go under `<dataDir>/kernels/`. */
  dataDir: z.string().refine((p) => path.isAbsolute(p), 'must be an absolute path'),
  /** The gateway variables kernels inherit (PATH, HOME, locale); never secrets like DATABASE_URL. */
  baseEnv: z.record(z.string(), z.string()),
  /** Spark standalone master (`spark://host:port`) of Spark environments; null = Spark's local mode in the kernel. */
  sparkMaster: z.string().regex(/^spark:\/\/[^/\s]+$/).nullable().default(null),
});
export type TLocalConfig = z.infer<typeof ZLocalConfig>;

const ZLocalInfo = z.object({
  pid: z.number().int().positive(),
  kernelDir: z.string(),
  connection: ZConnectionInfo,
  /** The process's start time (clock ticks since boot): tells our kernel from a reused pid. */
  startTicks: z.number().nullable().optional(),
  launch: z.number().int().optional(),
  limits: z.unknown().optional(),
  /** Spark kernels on a standalone master: where their executors are read. */
  standaloneDriver: z.object({ uiPort: z.number().int(), executorMemoryMib: z.number() }).nullable().optional(),
});

const MIB = 1024 * 1024;

function signalOfStatus(status: number): NodeJS.Signals | null {
  if (status <= 128) return null;
  const entry = Object.entries(constants.signals).find(([, n]) => n === status - 128);
  return entry ? (entry[0] as NodeJS.Signals) : null;
}

/** A sandboxed kernel's channels as the gateway reaches them: unix sockets in its private dir. */
function sandboxConnection(placement: TSandboxPlacement, kernelName: string): TConnectionInfo {
  return {
    transport: 'ipc',
    ip: path.join(placement.privateDir, 'kernel'),
    shell_port: 1,
    iopub_port: 2,
    stdin_port: 3,
    control_port: 4,
    hb_port: 5,
    key: randomUUID(),
    signature_scheme: 'hmac-sha256',
    kernel_name: kernelName,
  };
}

/**
 * Kernels as child processes of the gateway, each in its own session and process group (so
 * interrupt and stop reach the kernel's children too, and a gateway killed outright leaves
 * them running for the next one to reattach), its output in `<kernelDir>/kernel.log`, held
 * to the environment's limits by `limits` (cgroup v2/v1 or rlimits, see `local-limits/`),
 * and run inside `sandbox` (see `local-sandbox/`): the limits are joined as root before the
 * launcher drops to the kernel's uid, so the kernel can never write them.
 */
export class LocalProvisioner implements KernelProvisioner {
  readonly interruptMode = 'signal' as const;
  private child: ChildProcess | null = null;
  private pid: number | null = null;
  private connection: TConnectionInfo | null = null;
  private startTicks: number | null = null;
  /** Launches so far (restarts included): each gets a fresh cgroup, so OOM counters start at 0. */
  private launches = 0;
  private kernelLimits: TKernelLimits | null = null;
  /** How the current process ended, once known (read before its cgroup is released). */
  private exit: TExitInfo | null = null;
  private exitListener: (() => void) | null = null;
  private lastCpu: { ns: number; at: number } | null = null;
  /** A Spark kernel on a standalone master: its driver's UI port (picked per launch), where its executors are read. */
  private standaloneDriver: { uiPort: number; executorMemoryMib: number } | null = null;
  /** Whose kernel it is (its sandbox uid and home); none for a pooled kernel until `adopt`. */
  private owner: TProvisionerContext['owner'];

  constructor(
    private readonly config: TLocalConfig,
    private readonly ctx: TProvisionerContext,
    private readonly limits: TLocalLimits = NO_LIMITS,
    /** Null only with LATTICE_LOCAL_SANDBOX=off (a single-person machine). */
    private readonly sandbox: KernelSandbox | null = null,
  ) {
    this.owner = ctx.owner;
  }

  adopt(owner: { projectId: string; userId: string }): void {
    this.owner = owner;
  }

  private get kernelDir(): string {
    return path.join(this.config.dataDir, 'kernels', this.ctx.kernelId);
  }

  private get connectionFile(): string {
    return path.join(this.kernelDir, 'connection.json');
  }

  async launch(spec: TLaunchSpec, onProgress: (step: TLaunchProgress) => void): Promise<TConnectionInfo> {
    onProgress('scheduled');
    await mkdir(this.kernelDir, { recursive: true, mode: 0o700 });
    const placement = this.sandbox ? await this.sandbox.place(spec.kernelId, this.owner) : null;
    // A relaunch (restart) keeps ports and key so connected clients reconnect transparently.
    this.connection ??= placement ? sandboxConnection(placement, spec.environment.slug) : await newLocalConnection(spec.environment.slug);
    const connectionFile = placement ? SANDBOX_CONNECTION_FILE : this.connectionFile;
    if (placement && this.sandbox) await this.sandbox.writeConnectionFile(placement, { ...this.connection, ip: SANDBOX_IPC_PREFIX });
    else await writeFile(this.connectionFile, JSON.stringify(this.connection), { mode: 0o600 });

    // A Spark driver's executors run its Python by the path the driver has (sys.executable): a
    // layer inside its sandbox is no path for them, so Spark kernels run the environment directly.
    const layered = placement !== null && this.owner !== undefined && !spec.environment.spark;
    const python = spec.environment.argv?.length ? null : this.kernelPython(spec.environment.software, layered);
    const kernelArgv = python ? [...python.command, ...ipykernelArgs(connectionFile)] : spec.environment.argv!.map((a) => a.replaceAll('{connection_file}', connectionFile));
    const spark = await this.sparkLaunch(spec);
    // A Spark driver on a standalone master is reached by its executors: it keeps the host's
    // network (still its own uid, filesystem, processes and seccomp; kernels have no TCP ports).
    const network = spec.environment.spark && this.config.sparkMaster ? 'host' : (spec.environment.network ?? 'egress');
    const sandboxed = placement && this.sandbox ? await this.sandbox.command(placement, network, [...kernelArgv, ...spark.args], [...(python?.mounts ?? []), ...(spec.environment.spark ? [SPARK_STARTUP_SCRIPT] : [])]) : null;
    this.kernelLimits = await this.limits.prepare(spec.kernelId, ++this.launches, spec.environment);
    const argv = this.kernelLimits.wrap(sandboxed ? sandboxed.argv : [...kernelArgv, ...spark.args]);
    const env: Record<string, string> = {
      ...this.config.baseEnv,
      ...spec.env,
      ...spark.env,
      KERNEL_ID: spec.kernelId,
      PYDEVD_DISABLE_FILE_VALIDATION: '1',
    };

    onProgress('starting');
    const log = openSync(path.join(this.kernelDir, 'kernel.log'), 'a', 0o600);
    try {
      const stdio: Array<'ignore' | number> = ['ignore', log, log];
      if (sandboxed) stdio[SECCOMP_FD] = sandboxed.seccompFd;
      const child = spawn(argv[0], argv.slice(1), {
        cwd: this.kernelDir,
        // Next's global typing makes NODE_ENV mandatory; kernels do not get it.
        env: env as Partial<NodeJS.ProcessEnv> as NodeJS.ProcessEnv,
        detached: true, stdio });
      await new Promise<void>((resolve, reject) => {
        child.once('spawn', resolve);
        child.once('error', reject);
      });
      child.unref();
      child.once('exit', () => this.exitListener?.());
      this.child = child;
      this.pid = child.pid as number;
      this.exit = null;
      this.lastCpu = null;
      this.startTicks = (await processStat(this.pid))?.startTicks ?? null;
    } catch (err) {
      await this.kernelLimits.release();
      this.kernelLimits = null;
      throw err;
    } finally {
      closeSync(log);
      if (sandboxed) closeSync(sandboxed.seccompFd);
    }
    this.ctx.logger.info({ pid: this.pid, limits: this.limits.mechanism, sandbox: placement ? { uid: placement.uid, network } : 'off' }, 'local kernel process started');
    return this.connection;
  }

  /**
   * The Python that runs ipykernel: the kernel's built environment (issue 15 §3) or the platform's;
   * for an owned, sandboxed kernel through its user's own package layer (§4), which needs the
   * environment to be a virtualenv at an absolute path. `mounts` are what the sandbox must show.
   */
  private kernelPython(software: TKernelSoftware | null | undefined, layered: boolean): { command: string[]; mounts: string[] } {
    const root = software ? softwareEnvDir(this.config.dataDir, software.lockHash) : path.dirname(path.dirname(this.config.python));
    if (software && !existsSync(root)) {
      throw new Error(`This kernel's software environment (${software.lockHash.slice(0, 12)}) is not on this gateway's machine; save its template again to rebuild it.`);
    }
    const mounts = software ? [root] : [];
    if (!layered || (!software && !path.isAbsolute(this.config.python))) return { command: [software ? path.join(root, 'bin', 'python') : this.config.python], mounts };
    return { command: layeredPython(root, userLayerDir(software, root)), mounts: [...mounts, USER_LAYER_SCRIPT] };
  }

  /**
   * A Spark environment's kernel is the driver: against the configured standalone master, else
   * in Spark's local mode, with its UI on a free port (where `executors()` reads). Spark
   * environments' argv must be an IPython kernel: the startup script goes on its command line.
   */
  private async sparkLaunch(spec: TLaunchSpec): Promise<{ args: string[]; env: Record<string, string> }> {
    const spark = spec.environment.spark;
    this.standaloneDriver = null;
    if (!spark) return { args: [], env: {} };
    const master = this.config.sparkMaster;
    if (master) {
      await checkSparkMaster(master).catch((err: Error) => {
        throw new KernelStartError('error', `The Spark master ${master} does not answer (${err.message}); ask an administrator to check it or LATTICE_SPARK_MASTER.`);
      });
    }
    const [uiPort] = await findFreePorts(1);
    const conf = master
      ? standaloneSparkConf(spark, { kernelId: spec.kernelId, master, uiPort })
      : localModeSparkConf(spark, { kernelId: spec.kernelId, uiPort });
    if (master) this.standaloneDriver = { uiPort, executorMemoryMib: spark.executorMemoryMib };
    return { args: sparkKernelArgs(SPARK_STARTUP_SCRIPT), env: sparkKernelEnv(conf) };
  }

  /** The standalone executors registered with this kernel's driver; null in local mode (no executors) or without Spark. */
  async executors(): Promise<TExecutor[] | null> {
    if (!this.standaloneDriver || this.pid === null) return null;
    return driverExecutors(this.standaloneDriver.uiPort, this.standaloneDriver.executorMemoryMib);
  }

  async poll(): Promise<TExitInfo | null> {
    if (this.pid === null) return { exitCode: null, signal: null, reason: 'exited' };
    if (this.exit) return this.exit;
    let exit: TExitInfo;
    if (this.child) {
      const { exitCode, signalCode } = this.child;
      if (exitCode === null && signalCode === null) return null;
      // bwrap reports a kernel killed by a signal as exit status 128 + the signal's number.
      const signal = signalCode ?? (this.sandbox && exitCode !== null ? signalOfStatus(exitCode) : null);
      exit = signal ? { exitCode: null, signal, reason: 'crashed' } : { exitCode, signal: null, reason: exitCode === 0 ? 'exited' : 'crashed' };
      if (signal === 'SIGKILL' && (await this.kernelLimits?.oomKilled())) exit.reason = 'oom-killed';
    } else {
      // Reattached after a gateway restart: not our child, so its exit status is unknown.
      if (await this.isAlive(this.pid)) return null;
      exit = { exitCode: null, signal: null, reason: (await this.kernelLimits?.oomKilled()) ? 'oom-killed' : 'crashed' };
    }
    this.exit = exit;
    return exit;
  }

  /** Exists, is not a zombie nobody reaped, and is the process we started (not a reused pid). */
  private async isAlive(pid: number): Promise<boolean> {
    try {
      process.kill(pid, 0);
    } catch {
      return false;
    }
    const stat = await processStat(pid);
    if (!stat) return true;
    return stat.state !== 'Z' && stat.state !== 'X' && (this.startTicks === null || stat.startTicks === this.startTicks);
  }

  onExit(listener: () => void): void {
    this.exitListener = listener;
  }

  /** CPU over the time since the previous sample (the first one primes the counter), memory now. */
  async sample(): Promise<TUsageSample | null> {
    if (this.pid === null) return null;
    const fromLimits = (await this.kernelLimits?.usage()) ?? { cpuNs: null, memoryBytes: null };
    const fromProc = fromLimits.cpuNs === null || fromLimits.memoryBytes === null ? await processGroupUsage(this.pid) : null;
    const cpuNs = fromLimits.cpuNs ?? fromProc?.cpuNs ?? null;
    const memoryBytes = fromLimits.memoryBytes ?? fromProc?.memoryBytes ?? null;
    if (cpuNs === null || memoryBytes === null) return null;
    const now = Date.now();
    const previous = this.lastCpu;
    this.lastCpu = { ns: cpuNs, at: now };
    const cpuM = previous && now > previous.at ? Math.max(0, Math.round(((cpuNs - previous.ns) / 1e6 / (now - previous.at)) * 1000)) : 0;
    return { cpuM, memoryMib: Math.round((memoryBytes / MIB) * 10) / 10, sampledAt: new Date(now).toISOString() };
  }

  private signalGroup(signal: NodeJS.Signals): void {
    if (this.pid === null) return;
    try {
      process.kill(-this.pid, signal);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
    }
  }

  async interrupt(): Promise<void> {
    this.signalGroup('SIGINT');
  }

  async terminate(): Promise<void> {
    this.signalGroup('SIGTERM');
  }

  async kill(): Promise<void> {
    this.signalGroup('SIGKILL');
  }

  async cleanup({ restart }: { restart: boolean }): Promise<void> {
    // Children the kernel left behind die with their group.
    this.signalGroup('SIGKILL');
    this.child = null;
    this.pid = null;
    // A relaunch gets a fresh cgroup (prepare), so this one goes in either case.
    await this.kernelLimits?.release();
    this.kernelLimits = null;
    if (restart) return;
    this.connection = null;
    await rm(this.connectionFile, { force: true });
    await this.sandbox?.release(this.ctx.kernelId);
  }

  toInfo(): Record<string, unknown> {
    return {
      pid: this.pid,
      kernelDir: this.kernelDir,
      connection: this.connection,
      startTicks: this.startTicks,
      launch: this.launches,
      limits: this.kernelLimits?.toInfo() ?? null,
      standaloneDriver: this.standaloneDriver,
    };
  }

  /** Rebuilds a provisioner for a kernel launched by an earlier gateway process. */
  static fromInfo(config: TLocalConfig, info: unknown, ctx: TProvisionerContext, limits?: TLocalLimits, sandbox?: KernelSandbox | null): LocalProvisioner {
    const parsed = ZLocalInfo.parse(info);
    const p = new LocalProvisioner(config, ctx, limits, sandbox ?? null);
    p.pid = parsed.pid;
    p.connection = parsed.connection;
    p.startTicks = parsed.startTicks ?? null;
    p.launches = parsed.launch ?? 0;
    p.kernelLimits = limits?.restore(parsed.limits) ?? null;
    p.standaloneDriver = parsed.standaloneDriver ?? null;
    return p;
  }
}

/** The `local` registry entry; throws at start-up if its config is invalid. */
export function localProvisionerFactory(config: unknown, limits?: TLocalLimits, sandbox: KernelSandbox | null = null): TProvisionerFactory {
  const valid = ZLocalConfig.parse(config);
  return {
    interruptMode: 'signal',
    create: (ctx) => new LocalProvisioner(valid, ctx, limits, sandbox),
    fromInfo: (info, ctx) => LocalProvisioner.fromInfo(valid, info, ctx, limits, sandbox),
  };
}
