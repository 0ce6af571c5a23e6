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

/** A hash of the list as written: a venv stamped with it has exactly these pins installed. */
export function kernelRequirementsHash(file = KERNEL_REQUIREMENTS_FILE): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}
