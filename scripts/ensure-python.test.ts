import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { ensurePython, venvHome, VENV_STAMP } from './ensure-python';
import { kernelRequirementsHash } from '../common/kernel-requirements';
import { testPython } from '../tests/helpers/python';

const root = mkdtempSync(path.join(tmpdir(), 'lattice-ensure-python-'));
after(() => rmSync(root, { recursive: true, force: true }));

/** A data directory whose venv says it was made from `home`, with the packages (ipykernel) of the tests' venv. */
function dataDirWithVenv(name: string, home: string): string {
  const venv = path.join(root, name, 'venv');
  mkdirSync(path.join(venv, 'bin'), { recursive: true });
  writeFileSync(path.join(venv, 'pyvenv.cfg'), `home = ${home}\ninclude-system-site-packages = false\n`);
  symlinkSync(path.resolve(testPython()), path.join(venv, 'bin', 'python'));
  symlinkSync(path.resolve(path.dirname(testPython()), '..', 'lib'), path.join(venv, 'lib'));
  return path.dirname(venv);
}

test('pyvenv.cfg tells which Python a venv was made from', () => {
  assert.equal(venvHome(path.join(dataDirWithVenv('home', '/root/.pyenv/versions/3.12.4/bin'), 'venv')), '/root/.pyenv/versions/3.12.4/bin');
  assert.equal(venvHome(path.join(root, 'none')), null);
});

test('a venv made from Debian’s /usr/bin/python3 with the pinned list installed is used as it is', { skip: !testPython().includes('/') && 'needs a venv with ipykernel' }, () => {
  const dataDir = dataDirWithVenv('debian', '/usr/bin');
  writeFileSync(path.join(dataDir, 'venv', VENV_STAMP), `${kernelRequirementsHash()}\n`);
  const lines: string[] = [];
  const check = ensurePython({ dataDir, log: (l) => lines.push(l) });
  assert.deepEqual(check, { ok: true, python: path.join(dataDir, 'venv', 'bin', 'python') });
  assert.deepEqual(lines, []);
});

// An older venv (ipykernel only, or an earlier list) gets the pinned packages once, then is stamped.
test('a venv without the current list’s stamp gets the pinned packages installed and stamped', { skip: !testPython().includes('/') && 'needs a venv with ipykernel' }, () => {
  const dataDir = dataDirWithVenv('stale', '/usr/bin');
  writeFileSync(path.join(dataDir, 'venv', VENV_STAMP), 'an earlier list\n');
  const lines: string[] = [];
  const check = ensurePython({ dataDir, log: (l) => lines.push(l) });
  assert.equal(check.ok, true, JSON.stringify(check));
  assert.equal(check.python, path.join(dataDir, 'venv', 'bin', 'python'));
  assert.match(lines.join('\n'), /Installing the kernel packages \(ipykernel, ipywidgets, tqdm, numpy, pandas, matplotlib/);
  assert.equal(readFileSync(path.join(dataDir, 'venv', VENV_STAMP), 'utf8').trim(), kernelRequirementsHash());
});
