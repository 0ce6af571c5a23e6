import { readFileSync } from 'node:fs';
import path from 'node:path';
import { normalizePackages } from '@/common/software';

/**
 * The platform default environment's pinned packages (python/kernel-requirements.txt, the one
 * place their versions live), one requirement per line, for the template form's "Add the
 * default data-science packages". The file is found from the web's working directory, the
 * repository root (as `.data` is); a web installed without it offers no such button (empty).
 */
export function defaultDataSciencePackages(file = path.resolve('python', 'kernel-requirements.txt')): string[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  return normalizePackages(text).split('\n').filter(Boolean);
}
