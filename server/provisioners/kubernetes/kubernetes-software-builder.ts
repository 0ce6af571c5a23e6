import { existsSync } from 'node:fs';
import { chmod, mkdir, open, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import type { TSoftwareBase } from '../../../common/software';
import { softwareLockHash } from '../../../common/software-identity';
import type { TKubernetesConfig } from '../../config';
import { BuildFailure, type TBuildHooks, type TBuildJob, type TBuildResult, type TSoftwareBuilder } from '../../software/software-builder';
import { apiMessage, apiStatus, tolerate } from './api-errors';
import { buildPodManifest } from './build-pod-manifest';
import type { PodApi } from './pod-api';
import { ensureSoftwareClaim } from './software-claim';
import { BUILD_FILES, softwareBuildPath, softwareLayerPath } from './software-layout';

export interface TKubernetesSoftwareBuilderDeps {
  api: PodApi;
  config: Pick<TKubernetesConfig, 'kernelImage' | 'kernelPython' | 'runAsUser' | 'platformNamespace' | 'launchTimeoutMs' | 'software'>;
  /** How often the build's pod and log are read; default 500 ms. */
  pollMs?: number;
}

/** What pip's `--report` says it installed (the fields the lock needs). */
const ZInstallReport = z.object({
  install: z.array(
    z.object({
      metadata: z.object({ name: z.string(), version: z.string() }),
      download_info: z.object({ archive_info: z.object({ hashes: z.record(z.string(), z.string()).optional(), hash: z.string().optional() }).optional() }).optional(),
    }),
  ),
});

/** The lock: one `name==version --hash=…` line per installed distribution, sorted, as `pip install --require-hashes` reads it. */
export function lockFromReport(reportJson: string): string {
  const report = ZInstallReport.parse(JSON.parse(reportJson));
  return report.install
    .map(({ metadata, download_info }) => {
      const archive = download_info?.archive_info;
      const sha256 = archive?.hashes?.sha256 ?? archive?.hash?.replace(/^sha256[=:]/, '');
      return `${metadata.name.toLowerCase()}==${metadata.version}${sha256 ? ` --hash=sha256:${sha256}` : ''}`;
    })
    .sort()
    .join('\n');
}

/**
 * The installer's words for a failed build: pip's error lines (from the first `ERROR:` on),
 * with the Spark pin explained when the list asked for another pyspark.
 */
export function failureMessage(log: string): string {
  const start = log.indexOf('ERROR:');
  const words = (start >= 0 ? log.slice(start) : log.split('\n').slice(-15).join('\n')).trim().slice(0, 4000);
  const spark = /This image runs Spark (\S+?):/.exec(log);
  if (spark && /pyspark/i.test(words)) {
    return `This environment's image runs Spark ${spark[1]}, so its package list cannot install another pyspark (remove the pyspark line or pin pyspark==${spark[1]}). The installer said: ${words}`;
  }
  return words || 'the installer failed without a message; see the build log';
}

async function treeBytes(dir: string): Promise<number> {
  let total = 0;
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) total += await treeBytes(p);
    else if (entry.isFile()) total += (await stat(p)).size;
  }
  return total;
}

/**
 * Builds `image:` software on Kubernetes (issue 15 §3): a build pod on the environment's own
 * image installs the package list into the shared software store, which this gateway also
 * mounts (`software.dir`); the gateway follows the build's log there, turns pip's report into
 * the lock, and publishes the layer at `envs/<lockHash>`, where kernel pods mount it read-only.
 * Why a pod and a volume rather than an image built by a job: no registry, no image builder
 * with privileges in the cluster, and a layer two templates share is stored once.
 */
export class KubernetesSoftwareBuilder implements TSoftwareBuilder {
  private readonly pollMs: number;

  constructor(private readonly deps: TKubernetesSoftwareBuilderDeps) {
    this.pollMs = deps.pollMs ?? 500;
  }

  handles(base: TSoftwareBase): boolean {
    return base.startsWith('image:');
  }

  async build(job: TBuildJob, hooks: TBuildHooks): Promise<TBuildResult> {
    const { api, config } = this.deps;
    const source = config.software.volumeSource;
    if (!source) {
      throw new BuildFailure('This gateway has no software store for Kubernetes environments (LATTICE_K8S_SOFTWARE_VOLUME is not set); ask an administrator to configure one.');
    }
    const image = job.base.slice('image:'.length) || config.kernelImage;
    const namespace = config.platformNamespace;
    const scratch = path.join(config.software.dir, softwareBuildPath(job.id));
    const podName = `lattice-build-${job.id}`.toLowerCase().slice(0, 63);

    hooks.step('Preparing the build');
    await rm(scratch, { recursive: true, force: true });
    await mkdir(scratch, { recursive: true });
    // The build pod runs as the kernels' uid, which need not be the gateway's.
    await chmod(scratch, 0o777);
    await writeFile(path.join(scratch, BUILD_FILES.requirements), `${job.requirements}\n`);
    await ensureSoftwareClaim(api, namespace, source, 'ReadWriteMany');
    // A pod of an earlier attempt at this build (a gateway that stopped mid-build) goes first.
    await tolerate([404], () => api.deletePod(namespace, podName, { gracePeriodSeconds: 0 }));
    await this.untilPodGone(namespace, podName, hooks.signal);

    hooks.step(`Starting a build pod on ${image}`);
    const manifest = buildPodManifest({ namespace, podName, buildId: job.id, image, python: config.kernelPython, runAsUser: config.runAsUser, proxy: config.software.buildProxy });
    try {
      await api.createPod(namespace, manifest);
    } catch (err) {
      throw new Error(`the API server refused the build pod: ${apiMessage(err)}`);
    }
    try {
      const exitCode = await this.follow(namespace, podName, scratch, job, hooks);
      const log = await readFile(path.join(scratch, BUILD_FILES.log), 'utf8').catch(() => '');
      if (exitCode !== 0) throw new BuildFailure(failureMessage(log));
      hooks.step('Publishing the environment');
      return await this.publish(scratch);
    } finally {
      await tolerate([404], () => api.deletePod(namespace, podName, { gracePeriodSeconds: 0 }));
      await rm(scratch, { recursive: true, force: true });
    }
  }

  /** Follows the build pod to its end, passing the log on; resolves with the installer's exit code. */
  private async follow(namespace: string, podName: string, scratch: string, job: TBuildJob, hooks: TBuildHooks): Promise<number> {
    const logFile = path.join(scratch, BUILD_FILES.log);
    const exitFile = path.join(scratch, BUILD_FILES.exit);
    const started = Date.now();
    let offset = 0;
    let running = false;
    const count = job.requirements.split('\n').filter(Boolean).length;
    const drain = async () => {
      if (!existsSync(logFile)) return;
      const handle = await open(logFile, 'r');
      try {
        const { size } = await handle.stat();
        if (size <= offset) return;
        const chunk = Buffer.alloc(size - offset);
        await handle.read(chunk, 0, chunk.length, offset);
        offset = size;
        hooks.log(chunk.toString('utf8'));
      } finally {
        await handle.close();
      }
    };
    for (;;) {
      if (hooks.signal.aborted) throw new Error('the build was stopped (the gateway is shutting down)');
      await drain();
      const pod = await this.deps.api.readPod(namespace, podName);
      const status = pod.status;
      const terminated = status?.containerStatuses?.[0]?.state?.terminated;
      if (status?.phase === 'Succeeded' || status?.phase === 'Failed' || terminated) {
        await drain();
        const written = await readFile(exitFile, 'utf8').catch(() => null);
        if (written !== null) return Number(written.trim());
        throw new BuildFailure(`The build pod ended before the installer ran (${terminated?.reason ?? status?.phase}, exit code ${terminated?.exitCode ?? 'unknown'}): ${terminated?.message ?? 'see the build log'}`);
      }
      if (status?.phase === 'Running' && !running) {
        running = true;
        hooks.step(`Resolving and installing ${count} package${count === 1 ? '' : 's'}`);
      }
      if (!running && Date.now() - started > this.deps.config.launchTimeoutMs) {
        const waiting = status?.conditions?.find((c) => c.type === 'PodScheduled' && c.status === 'False')?.message ?? status?.containerStatuses?.[0]?.state?.waiting?.message;
        throw new Error(`the build pod did not start within ${Math.round(this.deps.config.launchTimeoutMs / 1000)} s${waiting ? `: ${waiting}` : ''}`);
      }
      await new Promise((r) => setTimeout(r, this.pollMs));
    }
  }

  /** Moves the installed layer to `envs/<lockHash>` (or keeps the one already there: same lock, same files). */
  private async publish(scratch: string): Promise<TBuildResult> {
    const lock = lockFromReport(await readFile(path.join(scratch, BUILD_FILES.report), 'utf8'));
    const pythonFullVersion = (await readFile(path.join(scratch, BUILD_FILES.pythonVersion), 'utf8')).trim();
    const lockHash = softwareLockHash(pythonFullVersion, lock);
    const target = path.join(this.deps.config.software.dir, softwareLayerPath(lockHash));
    const sitePackages = path.join(target, BUILD_FILES.sitePackages);
    if (!existsSync(sitePackages)) {
      await mkdir(target, { recursive: true });
      await writeFile(path.join(target, 'requirements.lock'), `${lock}\n`);
      // An empty list installs nothing and pip makes no folder.
      const built = path.join(scratch, BUILD_FILES.sitePackages);
      try {
        if (existsSync(built)) await rename(built, sitePackages);
        else await mkdir(sitePackages);
      } catch (err) {
        // Another build of the same lock published it first: the same files are there.
        if (!['ENOTEMPTY', 'EEXIST'].includes((err as NodeJS.ErrnoException).code ?? '')) throw err;
      }
    }
    return { lock, pythonFullVersion, lockHash, sizeBytes: await treeBytes(target) };
  }

  private async untilPodGone(namespace: string, podName: string, signal: AbortSignal): Promise<void> {
    for (;;) {
      if (signal.aborted) throw new Error('the build was stopped (the gateway is shutting down)');
      try {
        await this.deps.api.readPod(namespace, podName);
      } catch (err) {
        if (apiStatus(err) === 404) return;
        throw err;
      }
      await new Promise((r) => setTimeout(r, this.pollMs));
    }
  }

  /** Garbage collection's, once no template or kernel uses the layer: its files. */
  async remove(lockHash: string): Promise<void> {
    await rm(path.join(this.deps.config.software.dir, softwareLayerPath(lockHash)), { recursive: true, force: true });
  }
}

/** For the build worker (server/software): the Kubernetes builder of `image:` software. */
export function createKubernetesSoftwareBuilder(deps: TKubernetesSoftwareBuilderDeps): TSoftwareBuilder {
  return new KubernetesSoftwareBuilder(deps);
}
