import { execFile, spawn } from 'node:child_process';
import { closeSync } from 'node:fs';
import { chown, mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Logger } from 'pino';
import { localPythons } from '../../common/local-pythons';
import type { TSoftwareBase } from '../../common/software';
import { softwareLockHash } from '../../common/software-identity';
import type { TSoftwareConfig } from '../config';
import type { KernelSandbox } from '../provisioners/local-sandbox/kernel-sandbox';
import { SECCOMP_FD } from '../provisioners/local-sandbox/sandbox-argv';
import { installerMessage } from './installer-message';
import { kernelNeeds } from './kernel-needs';
import { BuildFailure, type TBuildHooks, type TBuildJob, type TBuildResult, type TSoftwareBuilder } from './software-builder';
import { softwareBuildDir, softwareDir, softwareEnvDir } from './software-paths';

const run = promisify(execFile);
/** Written last into a finished environment: a directory without it is not one. */
export const ENVIRONMENT_MARKER = '.lattice-environment';
/** The uv variables a build passes on from the gateway (index and proxy settings of this site). */
const PASSED_ON = /^(UV_INDEX_URL|UV_DEFAULT_INDEX|UV_EXTRA_INDEX_URL|UV_INDEX|SSL_CERT_FILE|SSL_CERT_DIR|HTTPS?_PROXY|https?_proxy|NO_PROXY|no_proxy)$/;

interface TLocalBuilderDeps {
  dataDir: string;
  config: TSoftwareConfig;
  /** Null only with LATTICE_LOCAL_SANDBOX=off (a single-person machine): builds then run as the gateway. */
  sandbox: KernelSandbox | null;
  /** The gateway's variables kernels inherit (PATH, locale): builds get the same. */
  baseEnv: Readonly<Record<string, string>>;
  logger: Logger;
}

/**
 * Builds `python:` environments on this machine with uv: resolve the package list (plus what a
 * kernel needs) into a lock with hashes, then install it into a relocatable virtualenv under
 * `software/envs/<lock hash>`. Installing can run code from the index (sdists build), so both
 * steps run in the kernel sandbox as the builder uid, with the `egress` network, writing only
 * the build's scratch dir; the result is then made root's and read-only. uv's cache is in that
 * scratch dir too, one per build: a cache shared between builds could be planted by one
 * template's build code with files another template's build would install (and environments are
 * shared by lock, across projects), so each build downloads what it installs.
 */
export class LocalSoftwareBuilder implements TSoftwareBuilder {
  constructor(private readonly deps: TLocalBuilderDeps) {}

  handles(base: TSoftwareBase): boolean {
    return base.startsWith('python:');
  }

  async build(job: TBuildJob, hooks: TBuildHooks): Promise<TBuildResult> {
    const version = job.base.slice('python:'.length);
    const pythons = localPythons();
    const python = pythons.find((p) => p.version === version)?.executable;
    if (!python) {
      throw new BuildFailure(`Python ${version} is not installed on the gateway's machine (available: ${pythons.map((p) => p.version).join(', ') || 'none'}).`);
    }
    const dir = softwareBuildDir(this.deps.dataDir, job.id);
    const uid = this.deps.sandbox?.builderUid ?? 0;
    await this.prepareDirs(dir, uid);
    try {
      const requirements = [...job.requirements.split('\n').filter(Boolean), ...kernelNeeds()];
      await writeFile(path.join(dir, 'requirements.in'), `${requirements.join('\n')}\n`);
      hooks.step(`Resolving ${requirements.length} packages`);
      await this.uv(job.id, ['pip', 'compile', '--python', python, '--generate-hashes', '--no-header', path.join(dir, 'requirements.in'), '--output-file', path.join(dir, 'lock.txt')], dir, hooks);
      const lock = await readFile(path.join(dir, 'lock.txt'), 'utf8');
      const pythonFullVersion = (await run(python, ['-c', 'import platform; print(platform.python_version())'])).stdout.trim();
      const lockHash = softwareLockHash(pythonFullVersion, lock);
      const target = softwareEnvDir(this.deps.dataDir, lockHash);
      if (await isEnvironment(target)) {
        hooks.step('Already built (another environment resolved to the same lock)');
      } else {
        const count = lock.split('\n').filter((line) => /^[A-Za-z0-9]/.test(line)).length;
        hooks.step(`Installing ${count} packages`);
        const env = path.join(dir, 'env');
        await this.uv(job.id, ['venv', '--relocatable', '--python', python, env], dir, hooks);
        // Copies, not hardlinks into the cache: the environment's files must not share inodes with a cache later builds write.
        await this.uv(job.id, ['pip', 'install', '--python', path.join(env, 'bin', 'python'), '--require-hashes', '--link-mode=copy', '-r', path.join(dir, 'lock.txt')], dir, hooks);
        await writeFile(path.join(env, ENVIRONMENT_MARKER), `${lockHash}\n`);
        // Root's and read-only from now on: no build (same uid) nor kernel can change it.
        await run('chown', ['-R', '0:0', env]);
        await run('chmod', ['-R', 'u+rwX,go+rX,go-w', env]);
        await rename(env, target).catch(async (err: NodeJS.ErrnoException) => {
          // Another build of the same lock finished first: theirs is identical.
          if (err.code !== 'ENOTEMPTY' && err.code !== 'EEXIST') throw err;
        });
      }
      return { lock, pythonFullVersion, lockHash, sizeBytes: await sizeOf(target) };
    } finally {
      await rm(dir, { recursive: true, force: true });
      if (this.deps.sandbox) await this.deps.sandbox.release(buildSandboxId(job.id));
    }
  }

  async remove(lockHash: string): Promise<void> {
    await rm(softwareEnvDir(this.deps.dataDir, lockHash), { recursive: true, force: true });
  }

  /** `software/` and `envs/` are root's and traversable; the scratch dir is the builder's alone. */
  private async prepareDirs(dir: string, uid: number): Promise<void> {
    const root = softwareDir(this.deps.dataDir);
    for (const d of [root, path.join(root, 'envs'), path.join(root, 'builds')]) await mkdir(d, { recursive: true, mode: 0o711 });
    await rm(dir, { recursive: true, force: true });
    await mkdir(dir, { mode: 0o700 });
    await chown(dir, uid, uid);
  }

  /** Runs uv (in the sandbox), its output to the build's log; a non-zero exit is the installer's failure. */
  private async uv(buildId: string, args: string[], dir: string, hooks: TBuildHooks): Promise<void> {
    const { sandbox, config, baseEnv } = this.deps;
    const env: Record<string, string> = {
      ...baseEnv,
      ...Object.fromEntries(Object.entries(process.env).filter((e): e is [string, string] => PASSED_ON.test(e[0]) && e[1] !== undefined)),
      UV_CACHE_DIR: path.join(dir, 'cache'),
      UV_PYTHON_DOWNLOADS: 'never',
      UV_NO_PROGRESS: '1',
      // This machine's CA store (a site's TLS proxy is in it), not uv's bundled roots.
      UV_SYSTEM_CERTS: '1',
    };
    const argv = [config.uv, ...args];
    let command = argv;
    let seccompFd: number | null = null;
    if (sandbox) {
      const placement = await sandbox.place(buildSandboxId(buildId), undefined, sandbox.builderUid);
      const uvDir = path.dirname(config.uv);
      const sandboxed = await sandbox.command(placement, 'egress', argv, path.isAbsolute(config.uv) ? [uvDir] : [], [dir]);
      command = sandboxed.argv;
      seccompFd = sandboxed.seccompFd;
    }
    const output = await new Promise<{ code: number | null; text: string }>((resolve, reject) => {
      const stdio: Array<'ignore' | 'pipe' | number> = ['ignore', 'pipe', 'pipe'];
      if (seccompFd !== null) stdio[SECCOMP_FD] = seccompFd;
      const child = spawn(command[0], command.slice(1), { env: env as Partial<NodeJS.ProcessEnv> as NodeJS.ProcessEnv, stdio, detached: true });
      let text = '';
      const take = (chunk: Buffer) => {
        const s = chunk.toString();
        if (text.length < 1 << 20) text += s;
        hooks.log(s);
      };
      child.stdout?.on('data', take);
      child.stderr?.on('data', take);
      const stop = () => {
        if (child.pid) process.kill(-child.pid, 'SIGKILL');
      };
      hooks.signal.addEventListener('abort', stop, { once: true });
      child.once('error', reject);
      child.once('close', (code) => {
        hooks.signal.removeEventListener('abort', stop);
        resolve({ code, text });
      });
    }).finally(() => {
      if (seccompFd !== null) closeSync(seccompFd);
    });
    if (hooks.signal.aborted) throw new Error('the build was stopped');
    if (output.code !== 0) throw new BuildFailure(installerMessage(output.text));
  }
}

/** A build's sandbox id (its private dir under `sandbox/`), apart from kernels' ids. */
function buildSandboxId(buildId: string): string {
  return `build-${buildId}`;
}

async function isEnvironment(dir: string): Promise<boolean> {
  return stat(path.join(dir, ENVIRONMENT_MARKER)).then(
    () => true,
    () => false,
  );
}

async function sizeOf(dir: string): Promise<number> {
  const { stdout } = await run('du', ['-sb', dir]);
  return Number(stdout.split('\t')[0]);
}
