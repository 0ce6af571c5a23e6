import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import type { TKernelSoftware } from '../../common/software';
import { SANDBOX_HOME } from '../provisioners/local-sandbox/sandbox-argv';

/** Mounted read-only into owned kernels' sandboxes: makes and starts the user's layer. */
export const USER_LAYER_SCRIPT = fileURLToPath(new URL('./python-layer.sh', import.meta.url));

/**
 * Where a user's own packages for one environment live in the kernel's home (persistent, the
 * user's for that project): one layer per environment, since compiled packages are built against
 * the environment's. Built environments by lock hash; the platform's default by its path.
 */
export function userLayerDir(software: TKernelSoftware | null | undefined, defaultRoot: string): string {
  const key = software ? software.lockHash.slice(0, 16) : `default-${createHash('sha256').update(defaultRoot).digest('hex').slice(0, 12)}`;
  return `${SANDBOX_HOME}/.lattice/python/${key}`;
}

/** The argv prefix that runs `python <args…>` of environment `root` through the user's layer. */
export function layeredPython(root: string, layerDir: string): string[] {
  return ['/bin/sh', USER_LAYER_SCRIPT, root, layerDir, '--'];
}
