import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';

/**
 * What the project virtualenv's kernels get (as tests/requirements.txt): ipykernel 7 stops
 * answering shell requests once a client vanishes (a crashed gateway), so 6.x; ipywidgets 8 for
 * the notebook's widgets; tqdm for progress bars.
 */
const KERNEL_REQUIREMENTS = ['ipykernel>=6.29,<7', 'ipywidgets>=8.1,<9', 'tqdm>=4.66'];

/**
 * Sandboxed kernels run as other uids, so the Python a kernel venv is made from must be
 * readable by them: Debian's, not whatever `python3` comes first on PATH (a pyenv build
 * under /root is 0700). Elsewhere (no /usr/bin/python3) the first python3 on PATH.
 */
const SYSTEM_PYTHON = '/usr/bin/python3';

export type TPythonCheck =
  | { ok: true; python: string; note?: string }
  | { ok: false; python: string | null; message: string };

function importsIpykernel(python: string, alsoWidgets = false): boolean {
  return spawnSync(python, ['-c', alsoWidgets ? 'import ipykernel, ipywidgets' : 'import ipykernel'], { stdio: 'ignore' }).status === 0;
}

/** The `home` of a virtualenv's pyvenv.cfg: the directory of the Python it was made from. */
export function venvHome(venv: string): string | null {
  try {
    return /^home\s*=\s*(.+)$/m.exec(readFileSync(path.join(venv, 'pyvenv.cfg'), 'utf8'))?.[1]?.trim() ?? null;
  } catch {
    return null;
  }
}

/**
 * Finds a Python that can run kernels: LATTICE_PYTHON, else the project virtualenv, else
 * the system Python if it has ipykernel, else a virtualenv created under the data directory
 * from the system Python with ipykernel installed from PyPI. A project virtualenv made from
 * another Python (one kernel uids may not read) is made again. Never throws: a missing
 * Python is reported, and the web comes up without kernels.
 */
export function ensurePython(opts: { configured?: string; dataDir: string; log: (line: string) => void }): TPythonCheck {
  if (opts.configured) {
    return importsIpykernel(opts.configured)
      ? { ok: true, python: opts.configured }
      : { ok: false, python: opts.configured, message: `LATTICE_PYTHON=${opts.configured} cannot import ipykernel. Run: ${opts.configured} -m pip install ipykernel` };
  }
  const venv = path.join(opts.dataDir, 'venv');
  const venvPython = path.join(venv, 'bin', 'python');
  const debian = existsSync(SYSTEM_PYTHON);
  if (debian && existsSync(venv) && venvHome(venv) !== path.dirname(SYSTEM_PYTHON)) {
    opts.log(`${venv} was made from ${venvHome(venv) ?? 'an unknown Python'}, which kernel uids may not read: making it again from ${SYSTEM_PYTHON}…`);
    rmSync(venv, { recursive: true, force: true });
  }
  // The project venv is ours to complete: one from before widgets gets them.
  if (existsSync(venvPython) && importsIpykernel(venvPython, true)) return { ok: true, python: venvPython };
  const system = debian ? SYSTEM_PYTHON : spawnSync('python3', ['--version'], { stdio: 'ignore' }).status === 0 ? 'python3' : null;
  if (!system) {
    return { ok: false, python: null, message: 'Python 3 was not found, so kernels cannot start. Install Python 3 (e.g. `apt-get install python3 python3-venv`) and run `npm start` again.' };
  }
  if (!existsSync(venvPython) && importsIpykernel(system)) return { ok: true, python: system };

  opts.log(`Installing the kernel packages (${KERNEL_REQUIREMENTS.join(', ')}) into ${venv} (once)…`);
  const created = existsSync(venvPython) || spawnSync(system, ['-m', 'venv', venv], { stdio: 'inherit' }).status === 0;
  if (!created) {
    return { ok: false, python: system, message: `Could not create a virtualenv. Install the venv module (\`apt-get install python3-venv\`) or ipykernel (\`${system} -m pip install ipykernel\`), then run \`npm start\` again.` };
  }
  const pip = spawnSync(venvPython, ['-m', 'pip', 'install', '--quiet', ...KERNEL_REQUIREMENTS], { stdio: 'inherit' });
  if (pip.status !== 0 || !importsIpykernel(venvPython)) {
    return { ok: false, python: system, message: `Installing ipykernel failed. Install it yourself (\`${venvPython} -m pip install ipykernel\`, or set LATTICE_PYTHON to a Python that has it) and run \`npm start\` again.` };
  }
  return { ok: true, python: venvPython, note: `installed the kernel packages into ${venv}` };
}
