/** Server-side only (reads python/kernel-requirements.txt). */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';

/** The default kernel's pinned packages (requirements format, exact `==` pins): the one place their versions live. */
export const KERNEL_REQUIREMENTS_FILE = path.resolve(import.meta.dirname, '..', 'python', 'kernel-requirements.txt');

/** Distribution name → pinned version, in the file's order. */
export function readKernelPins(file = KERNEL_REQUIREMENTS_FILE): Map<string, string> {
  const pins = new Map<string, string>();
  for (const raw of readFileSync(file, 'utf8').split('\n')) {
    const line = raw.replace(/#.*/, '').trim();
    if (!line) continue;
    const pin = /^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;]+)$/.exec(line);
    if (!pin) throw new Error(`${file}: "${line}" is not an exact pin (name==version)`);
    pins.set(pin[1], pin[2]);
  }
  return pins;
}

/** The gateway's software builder (uv), installed into the same venv as the kernel's packages. */
export const BUILD_TOOLS_FILE = path.resolve(import.meta.dirname, '..', 'python', 'build-tools.txt');

/**
 * A hash of both lists as written (`cat` of the two, as scripts/prepare-machine.sh hashes them):
 * a venv stamped with it has exactly these pins installed.
 */
export function kernelRequirementsHash(files: readonly string[] = [KERNEL_REQUIREMENTS_FILE, BUILD_TOOLS_FILE]): string {
  const hash = createHash('sha256');
  for (const file of files) hash.update(readFileSync(file));
  return hash.digest('hex');
}
