import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { closeSync, openSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import type { TEnvironmentSpec } from '../../common/environment';
import { findFreePorts } from './free-ports';
import {
  ZConnectionInfo,
  type KernelProvisioner,
  type TConnectionInfo,
  type TExitInfo,
  type TLaunchProgress,
  type TLaunchSpec,
  type TProvisionerContext,
  type TProvisionerFactory,
} from './provisioner';

const ZLocalConfig = z.object({
  /** Python with ipykernel, used when an environment has no argv of its own. */
  python: z.string().min(1),
  /** Kernel directories (connection file, log, working directory) go under `<dataDir>/kernels/`. */
  dataDir: z.string().refine((p) => path.isAbsolute(p), 'must be an absolute path'),
  /** The gateway variables kernels inherit (PATH, HOME, locale); never secrets like DATABASE_URL. */
  baseEnv: z.record(z.string(), z.string()),
});
export type TLocalConfig = z.infer<typeof ZLocalConfig>;

/**
 * The seam for resource limits: called with the new process before it is reported as
 * started. Issue 3 plugs cgroup/rlimit enforcement in here; without it kernels run unlimited.
 */
export interface TLocalLimits {
  apply(pid: number, environment: TEnvironmentSpec): Promise<void>;
}

const ZLocalInfo = z.object({
  pid: z.number().int().positive(),
  kernelDir: z.string(),
  connection: ZConnectionInfo,
});

/**
 * Kernels as child processes of the gateway, each in its own process group (so interrupt
 * and stop reach the kernel's children too), its output in `<kernelDir>/kernel.log`.
 */
export class LocalProvisioner implements KernelProvisioner {
  readonly name = 'local';
  readonly interruptMode = 'signal' as const;
  private child: ChildProcess | null = null;
  private pid: number | null = null;
  private connection: TConnectionInfo | null = null;

  constructor(
    private readonly config: TLocalConfig,
    private readonly ctx: TProvisionerContext,
    private readonly limits?: TLocalLimits,
  ) {}

  private get kernelDir(): string {
    return path.join(this.config.dataDir, 'kernels', this.ctx.kernelId);
  }

  private get connectionFile(): string {
    return path.join(this.kernelDir, 'connection.json');
  }

  async launch(spec: TLaunchSpec, onProgress: (step: TLaunchProgress) => void): Promise<TConnectionInfo> {
    onProgress('scheduled');
    await mkdir(this.kernelDir, { recursive: true, mode: 0o700 });
    // A relaunch (restart) keeps ports and key so connected clients reconnect transparently.
    this.connection ??= await this.newConnection(spec.environment.slug);
    await writeFile(this.connectionFile, JSON.stringify(this.connection), { mode: 0o600 });

    const argv = spec.environment.argv?.length
      ? spec.environment.argv.map((a) => a.replaceAll('{connection_file}', this.connectionFile))
      : [this.config.python, '-m', 'ipykernel_launcher', '-f', this.connectionFile];
    const env: Record<string, string> = { ...this.config.baseEnv, ...spec.env, KERNEL_ID: spec.kernelId, PYDEVD_DISABLE_FILE_VALIDATION: '1' };

    onProgress('starting');
    const log = openSync(path.join(this.kernelDir, 'kernel.log'), 'a', 0o600);
    try {
      const child = spawn(argv[0], argv.slice(1), {
        cwd: this.kernelDir,
        // Next's global typing makes NODE_ENV mandatory; kernels do not get it.
        env: env as Partial<NodeJS.ProcessEnv> as NodeJS.ProcessEnv,
        detached: true, stdio: ['ignore', log, log] });
      await new Promise<void>((resolve, reject) => {
        child.once('spawn', resolve);
        child.once('error', reject);
      });
      child.unref();
      this.child = child;
      this.pid = child.pid as number;
    } finally {
      closeSync(log);
    }
    await this.limits?.apply(this.pid, spec.environment);
    this.ctx.logger.info({ pid: this.pid }, 'local kernel process started');
    return this.connection;
  }

  private async newConnection(kernelName: string): Promise<TConnectionInfo> {
    const [shell, iopub, stdin, control, hb] = await findFreePorts(5);
    return {
      transport: 'tcp',
      ip: '127.0.0.1',
      shell_port: shell,
      iopub_port: iopub,
      stdin_port: stdin,
      control_port: control,
      hb_port: hb,
      key: randomUUID(),
      signature_scheme: 'hmac-sha256',
      kernel_name: kernelName,
    };
  }

  async poll(): Promise<TExitInfo | null> {
    if (this.pid === null) return { exitCode: null, signal: null, reason: 'exited' };
    if (this.child) {
      const { exitCode, signalCode } = this.child;
      if (exitCode === null && signalCode === null) return null;
      return { exitCode, signal: signalCode, reason: exitCode === 0 ? 'exited' : 'crashed' };
    }
    // Reattached after a gateway restart: not our child, so only existence can be checked.
    try {
      process.kill(this.pid, 0);
      return null;
    } catch {
      return { exitCode: null, signal: null, reason: 'exited' };
    }
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
    if (restart) return;
    this.connection = null;
    await rm(this.connectionFile, { force: true });
  }

  toInfo(): Record<string, unknown> {
    return { pid: this.pid, kernelDir: this.kernelDir, connection: this.connection };
  }

  /** Rebuilds a provisioner for a kernel launched by an earlier gateway process. */
  static fromInfo(config: TLocalConfig, info: unknown, ctx: TProvisionerContext, limits?: TLocalLimits): LocalProvisioner {
    const parsed = ZLocalInfo.parse(info);
    const p = new LocalProvisioner(config, ctx, limits);
    p.pid = parsed.pid;
    p.connection = parsed.connection;
    return p;
  }
}

/** The `local` registry entry; throws at start-up if its config is invalid. */
export function localProvisionerFactory(config: unknown, limits?: TLocalLimits): TProvisionerFactory {
  const valid = ZLocalConfig.parse(config);
  return {
    name: 'local',
    interruptMode: 'signal',
    create: (ctx) => new LocalProvisioner(valid, ctx, limits),
    fromInfo: (info, ctx) => LocalProvisioner.fromInfo(valid, info, ctx, limits),
  };
}
