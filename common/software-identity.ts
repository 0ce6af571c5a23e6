import { createHash } from 'node:crypto';
import type { TSoftwareBase } from './software';

/** Server-side only (node:crypto): the web when a template is saved, the gateway when it builds. */

/** Bumped when what a build puts in an environment changes, so old builds are not reused. */
const BUILD_RECIPE = 'lattice-software-1';

/** The identity of a software definition: equal definitions share one build row. */
export function softwareSpecHash(base: TSoftwareBase, packages: string): string {
  return createHash('sha256').update(`${BUILD_RECIPE}\n${base}\n${packages}\n`).digest('hex');
}

/** The identity of a built environment: its exact Python and resolved lock (hashes included). */
export function softwareLockHash(pythonFullVersion: string, lock: string): string {
  const body = lock
    .split('\n')
    .filter((line) => !line.trimStart().startsWith('#'))
    .join('\n');
  return createHash('sha256').update(`${BUILD_RECIPE}\npython ${pythonFullVersion}\n${body}`).digest('hex');
}

