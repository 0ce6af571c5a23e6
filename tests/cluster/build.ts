// Builds the cluster binaries from Go modules (module proxy only) into a
// versioned cache dir outside the repo, and skips the build when the stamp says
// the binaries are current.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  BINARIES,
  binDir,
  binPath,
  buildKey,
  ETCD_VERSION,
  GO,
  GO_WRAPPER_DIR,
  K8S_BUILD_DATE,
  K8S_VERSION,
  KWOK_VERSION,
  stampPath,
} from './config';

export interface BuildStamp {
  key: string;
  k8s: string;
  etcd: string;
  kwok: string;
  builtAt: string;
  goVersion: string;
  /** Wall-clock seconds of the whole build (cold or warm Go cache, as it was). */
  seconds: number;
  /** Largest single-process max RSS of the build, KiB, from /usr/bin/time -v. */
  peakRssKiB: number | null;
  steps: { name: string; seconds: number; peakRssKiB: number | null }[];
}

export function readStamp(): BuildStamp | null {
  try {
    const s = JSON.parse(readFileSync(stampPath(), 'utf8')) as BuildStamp;
    if (s.key !== buildKey()) return null;
    return s;
  } catch {
    return null;
  }
}

export function binariesCurrent(): boolean {
  return readStamp() !== null && BINARIES.every((b) => existsSync(binPath(b)));
}

function k8sLdflags(): string {
  const [major, minor] = K8S_VERSION.replace(/^v/, '').split('.');
  const parts: string[] = ['-s', '-w'];
  for (const pkg of ['k8s.io/component-base/version', 'k8s.io/client-go/pkg/version']) {
    parts.push(
      `-X ${pkg}.gitVersion=${K8S_VERSION}`,
      `-X ${pkg}.gitMajor=${major}`,
      `-X ${pkg}.gitMinor=${minor}`,
      `-X ${pkg}.gitTreeState=clean`,
      `-X ${pkg}.buildDate=${K8S_BUILD_DATE}`,
    );
  }
  return parts.join(' ');
}

function kwokLdflags(): string {
  return [
    '-s',
    '-w',
    `-X sigs.k8s.io/kwok/pkg/consts.Version=${KWOK_VERSION}`,
    `-X sigs.k8s.io/kwok/pkg/consts.KubeVersion=${K8S_VERSION}`,
  ].join(' ');
}

interface StepResult {
  seconds: number;
  peakRssKiB: number | null;
}

function run(name: string, args: string[], cwd: string, env: NodeJS.ProcessEnv, log: (s: string) => void): Promise<StepResult> {
  // nice -n 19 keeps the rest of a 2-core machine responsive; /usr/bin/time -v
  // (Debian package `time`) reports the peak RSS of the largest child.
  const haveTime = existsSync('/usr/bin/time');
  const timeFile = path.join(os.tmpdir(), `lattice-cluster-build-${process.pid}-${name}.time`);
  const argv = ['-n', '19', ...(haveTime ? ['/usr/bin/time', '-v', '-o', timeFile] : []), GO, ...args];
  log(`[cluster build] ${name}: nice ${argv.join(' ')}`);
  const start = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn('nice', argv, { cwd, env, stdio: ['ignore', 'inherit', 'inherit'] });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      const seconds = (Date.now() - start) / 1000;
      let peakRssKiB: number | null = null;
      if (haveTime && existsSync(timeFile)) {
        const m = /Maximum resident set size \(kbytes\): (\d+)/.exec(readFileSync(timeFile, 'utf8'));
        if (m) peakRssKiB = Number(m[1]);
        rmSync(timeFile, { force: true });
      }
      if (code === 0) resolve({ seconds, peakRssKiB });
      else reject(new Error(`${name} failed (exit ${code ?? signal}) after ${seconds.toFixed(0)}s`));
    });
  });
}

function goVersion(): string {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return readFileSync(path.join(path.dirname(path.dirname(GO)), 'VERSION'), 'utf8').split('\n')[0] ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

export async function buildBinaries(opts: { force?: boolean; log?: (s: string) => void } = {}): Promise<BuildStamp> {
  const log = opts.log ?? ((s: string) => console.error(s));
  if (!opts.force && binariesCurrent()) {
    const s = readStamp()!;
    log(`[cluster build] binaries current (${s.key}) in ${binDir()}; skipping build`);
    return s;
  }
  const out = binDir();
  const tmp = `${out}.partial-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    CGO_ENABLED: '0',
    GOFLAGS: [process.env.GOFLAGS ?? '', '-buildvcs=false', '-mod=readonly'].join(' ').trim(),
    GOTOOLCHAIN: 'local',
  };
  const started = Date.now();
  const steps: BuildStamp['steps'] = [];

  // 1. kube-apiserver, kube-scheduler, kube-controller-manager, kubectl, etcd from the wrapper
  //    module (go.mod redirects every k8s.io staging module to its published tag).
  const k = await run(
    'kubernetes+etcd',
    [
      'build', '-p=2', '-trimpath', '-ldflags', k8sLdflags(), '-o', tmp + '/',
      'k8s.io/kubernetes/cmd/kube-apiserver',
      'k8s.io/kubernetes/cmd/kube-scheduler',
      'k8s.io/kubernetes/cmd/kube-controller-manager',
      'k8s.io/kubernetes/cmd/kubectl',
      'go.etcd.io/etcd/server/v3',
    ],
    GO_WRAPPER_DIR,
    env,
    log,
  );
  steps.push({ name: 'kubernetes+etcd', ...k });
  // `go build` names the go.etcd.io/etcd/server/v3 main package "server".
  for (const n of ['server', 'v3']) {
    if (existsSync(path.join(tmp, n))) renameSync(path.join(tmp, n), path.join(tmp, 'etcd'));
  }

  // 2. kwok + kwokctl with `go install` at the pinned release.
  const kw = await run(
    'kwok',
    ['install', '-p=2', '-trimpath', '-ldflags', kwokLdflags(),
      `sigs.k8s.io/kwok/cmd/kwok@${KWOK_VERSION}`, `sigs.k8s.io/kwok/cmd/kwokctl@${KWOK_VERSION}`],
    os.tmpdir(),
    { ...env, GOBIN: tmp, GOFLAGS: '-buildvcs=false' },
    log,
  );
  steps.push({ name: 'kwok', ...kw });

  for (const b of BINARIES) {
    if (!existsSync(path.join(tmp, b))) throw new Error(`build produced no ${b} in ${tmp}`);
  }
  rmSync(out, { recursive: true, force: true });
  renameSync(tmp, out);
  const peaks = steps.map((s) => s.peakRssKiB).filter((x): x is number => x !== null);
  const stamp: BuildStamp = {
    key: buildKey(),
    k8s: K8S_VERSION,
    etcd: ETCD_VERSION,
    kwok: KWOK_VERSION,
    builtAt: new Date().toISOString(),
    goVersion: goVersion(),
    seconds: Math.round((Date.now() - started) / 1000),
    peakRssKiB: peaks.length ? Math.max(...peaks) : null,
    steps,
  };
  writeFileSync(stampPath(), JSON.stringify(stamp, null, 2) + '\n');
  log(`[cluster build] done in ${stamp.seconds}s, peak RSS ${stamp.peakRssKiB ?? '?'} KiB -> ${out}`);
  return stamp;
}

/** Throws a clear error when the binaries are missing (tests call this first). */
export function requireBinaries(): void {
  if (!binariesCurrent()) {
    throw new Error(
      `cluster binaries not built for ${buildKey()} (expected in ${binDir()}); run \`npm run cluster:build\` ` +
        `or \`bash tests/cluster/ci-setup.sh\``,
    );
  }
}
