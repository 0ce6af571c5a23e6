import { existsSync } from 'node:fs';
import path from 'node:path';

/**
 * The Python that tests run kernels and Jupyter clients with: LATTICE_PYTHON, else the
 * project-local virtualenv that `.ci/run` and `npm start` create (.data/venv), else python3.
 */
export function testPython(): string {
  if (process.env.LATTICE_PYTHON) return process.env.LATTICE_PYTHON;
  const venv = path.resolve('.data/venv/bin/python');
  return existsSync(venv) ? venv : 'python3';
}
