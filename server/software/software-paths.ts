import path from 'node:path';

/**
 * Where local software environments live, under the platform's data directory: `envs/<lock
 * hash>` (built, read-only, shared by every kernel on it) and `builds/<build id>` (a build's
 * scratch, the builder uid's). The uv cache is apart (LATTICE_SOFTWARE_CACHE_DIR).
 */
export function softwareDir(dataDir: string): string {
  return path.join(dataDir, 'software');
}

export function softwareEnvDir(dataDir: string, lockHash: string): string {
  return path.join(softwareDir(dataDir), 'envs', lockHash);
}

export function softwareBuildDir(dataDir: string, buildId: string): string {
  return path.join(softwareDir(dataDir), 'builds', buildId);
}
