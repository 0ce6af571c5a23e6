/**
 * Where things are in the software store (the volume behind the `lattice-software` claims):
 * `envs/<lockHash>/site-packages` holds one built environment, immutable once published;
 * `builds/<buildId>/` is a build's scratch space (its package list, log, installer report and
 * the layer it installs), published by the gateway under the lock's hash when the build succeeds.
 */

/** Where a kernel sees its environment's layer (read-only). */
export const SOFTWARE_MOUNT = '/opt/lattice/software';
/** What a kernel puts before the image's own packages. */
export const SOFTWARE_PYTHONPATH = `${SOFTWARE_MOUNT}/site-packages`;

/** A built environment, relative to the store's root (the kernel's subPath). */
export function softwareLayerPath(lockHash: string): string {
  if (!/^[0-9a-f]{64}$/.test(lockHash)) throw new Error(`not a software lock hash: ${lockHash}`);
  return `envs/${lockHash}`;
}

/** A build's scratch space, relative to the store's root (the build pod's subPath). */
export function softwareBuildPath(buildId: string): string {
  if (!/^[0-9a-zA-Z-]{1,64}$/.test(buildId)) throw new Error(`not a software build id: ${buildId}`);
  return `builds/${buildId}`;
}

/** Files of a build's scratch space, as the build pod names them under /build and the gateway under the store. */
export const BUILD_FILES = {
  requirements: 'requirements.txt',
  log: 'build.log',
  report: 'report.json',
  pythonVersion: 'python-version',
  /** The installer's exit code, written last. */
  exit: 'exit-code',
  sitePackages: 'site-packages',
} as const;
