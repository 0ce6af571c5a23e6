import { formatStorageSize } from '@/common/storage-size';
import type { TSoftwareBuildInfo } from '@/common/software';

type TTone = 'gray' | 'indigo' | 'green' | 'amber' | 'red' | 'blue';

/** What the platform default environment holds, in the words the form and tables use. */
export const DEFAULT_SOFTWARE_CONTENTS = 'numpy, pandas, matplotlib, scipy, scikit-learn … preinstalled';

/** A build's badge: its state in a word, with the step, the size or the installer's error beside it. */
export function softwareBuildStatus(build: TSoftwareBuildInfo): { tone: TTone; label: string; detail: string | null } {
  switch (build.state) {
    case 'queued':
      return { tone: 'amber', label: 'Queued', detail: 'Waiting for a gateway to build it' };
    case 'building':
      return { tone: 'blue', label: 'Building', detail: build.step ?? 'Starting' };
    case 'ready':
      return { tone: 'green', label: 'Ready', detail: build.sizeBytes === null ? null : formatStorageSize(build.sizeBytes) };
    case 'failed':
      return { tone: 'red', label: 'Build failed', detail: build.error ?? 'See the build log' };
  }
}

/** Whether the build may still change on its own (lists showing it keep polling). */
export function isBuildUnfinished(build: TSoftwareBuildInfo | null): boolean {
  return build?.state === 'queued' || build?.state === 'building';
}

/** Why no kernel can start on this software yet (pickers show it), or null when one can. */
export function softwareUnavailableReason(build: TSoftwareBuildInfo | null): string | null {
  if (!build) return null;
  switch (build.state) {
    case 'ready':
      return null;
    case 'queued':
      return 'Software waiting to be built';
    case 'building':
      return `Software building: ${build.step ?? 'starting'}`;
    case 'failed':
      return `Software build failed: ${build.error ?? 'see the template’s build log'}`;
  }
}

/**
 * "Python 3.11 · 3 packages" (the build's base when the template leaves the version to the
 * machine's newest), "Kernel image · 2 packages" on Kubernetes, or "Platform default".
 */
export function softwareSummary(env: { pythonVersion: string | null; packages: string; softwareBuild: TSoftwareBuildInfo | null }): string {
  const count = env.packages.split('\n').filter(Boolean).length;
  if (!env.pythonVersion && count === 0) return 'Platform default';
  const base = env.softwareBuild?.base ?? `python:${env.pythonVersion ?? ''}`;
  const label = base.startsWith('image:') ? 'Kernel image' : `Python ${base.slice('python:'.length) || '(newest here)'}`;
  return `${label} · ${count} package${count === 1 ? '' : 's'}`;
}
