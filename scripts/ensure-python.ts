import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { BUILD_TOOLS_FILE, KERNEL_REQUIREMENTS_FILE, kernelRequirementsHash, readKernelPins } from '../common/kernel-requirements';

/**
 * Holds the hash of the pinned list last installed into the venv, so a start compares one
 * small file instead of asking pip (≈3 s) whether anything is missing.
 */
export const VENV_STAMP = '.lattice-kernel-requirements';

/**
 * Sandboxed kernels run as other uids, so the Python a kernel venv is made from must be
 * readable by them: Debian's, not whatever `python3` comes first on PATH (a pyenv build
 * under /root is 0700). Elsewhere (no /usr/bin/python3) the first python3 on PATH.
 */
const SYSTEM_PYTHON = '/usr/bin/python3';

export type TPythonCheck =
  | { ok: true; python: string; note?: string }
  | { ok: false; python: string | null; message: string };

function importsIpykernel(python: string): boolean {
  return spawnSync(python, ['-c', 'import ipykernel'], { stdio: 'ignore' }).status === 0;
}

/** The `home` of a virtualenv's pyvenv.cfg: the directory of the Python it was made from. */
export function venvHome(venv: string): string | null {
  try {
    return /^home\s*=\s*(.+)$/m.exec(readFileSync(path.join(venv, 'pyvenv.cfg'), 'utf8'))?.[1]?.trim() ?? null;
  } catch {
    return null;
  }
}

/** Whether the venv holds exactly the pinned list (its stamp matches the list's hash). */
export function venvHasPinnedPackages(venv: string): boolean {
  try {
    return readFileSync(path.join(venv, VENV_STAMP), 'utf8').trim() === kernelRequirementsHash();
  } catch {
    return false;
  }
}

/**
 * Finds a Python that can run kernels: LATTICE_PYTHON, else the project virtualenv under the
 * data directory, made from the system Python, with the pinned data-science stack
 * (python/kernel-requirements.txt) installed from PyPI the first time and again whenever the
 * list changes. A project virtualenv made from another Python (one kernel uids may not read)
 * is made again. Never throws: a missing Python is reported, and the web comes up without
 * kernels; a system Python with ipykernel serves when no venv can be made.
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
  if (existsSync(venvPython) && venvHasPinnedPackages(venv)) return { ok: true, python: venvPython };
  const system = debian ? SYSTEM_PYTHON : spawnSync('python3', ['--version'], { stdio: 'ignore' }).status === 0 ? 'python3' : null;
  if (!system) {
    return { ok: false, python: null, message: 'Python 3 was not found, so kernels cannot start. Install Python 3 (e.g. `apt-get install python3 python3-venv`) and run `npm start` again.' };
  }

  const created = existsSync(venvPython) || spawnSync(system, ['-m', 'venv', venv], { stdio: 'inherit' }).status === 0;
  if (!created) {
    if (importsIpykernel(system)) return { ok: true, python: system, note: `no virtualenv could be made (\`apt-get install python3-venv\`), so kernels use ${system} without the data-science packages of ${KERNEL_REQUIREMENTS_FILE}` };
    return { ok: false, python: system, message: `Could not create a virtualenv. Install the venv module (\`apt-get install python3-venv\`) or ipykernel (\`${system} -m pip install ipykernel\`), then run \`npm start\` again.` };
  }
  // Not --quiet: ≈160 MB of wheels on a first start, so pip's own progress is what the user watches.
  opts.log(`Installing the kernel packages (${[...readKernelPins().keys()].join(', ')}; ≈760 MB on disk) and the environment builder (uv) into ${venv}, once…`);
  const pip = spawnSync(venvPython, ['-m', 'pip', 'install', '--disable-pip-version-check', '-r', KERNEL_REQUIREMENTS_FILE, '-r', BUILD_TOOLS_FILE], { stdio: 'inherit' });
  if (pip.status !== 0 || !importsIpykernel(venvPython)) {
    return { ok: false, python: system, message: `Installing the kernel packages failed (pip's message is above). Fix the cause (network, disk space) and run \`npm start\` again, or set LATTICE_PYTHON to a Python that has ipykernel.` };
  }
  writeFileSync(path.join(venv, VENV_STAMP), `${kernelRequirementsHash()}\n`);
  return { ok: true, python: venvPython, note: `installed the kernel packages into ${venv}` };
}
