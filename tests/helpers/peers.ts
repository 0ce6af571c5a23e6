import { existsSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '../..');

/**
 * The bin directory of a peer server's virtualenv (tests/peers/<name>.txt), built by
 * `.ci/run` or `scripts/ensure-peers.sh`; a clear error when it has not been built.
 */
export function peerBin(name: 'enterprise-gateway' | 'jupyterlab'): string {
  const bin = path.join(ROOT, '.data', 'peers', name, 'bin');
  if (!existsSync(path.join(bin, 'python'))) {
    throw new Error(`The ${name} peer virtualenv is missing: run scripts/ensure-peers.sh (.ci/run does).`);
  }
  return bin;
}
