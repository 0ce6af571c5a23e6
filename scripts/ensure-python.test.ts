import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { ensurePython, venvHome } from './ensure-python';
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

test('a venv made from Debian’s /usr/bin/python3 is used as it is', { skip: !testPython().includes('/') && 'needs a venv with ipykernel' }, () => {
  const dataDir = dataDirWithVenv('debian', '/usr/bin');
  const lines: string[] = [];
  const check = ensurePython({ dataDir, log: (l) => lines.push(l) });
  assert.deepEqual(check, { ok: true, python: path.join(dataDir, 'venv', 'bin', 'python') });
  assert.deepEqual(lines, []);
});
