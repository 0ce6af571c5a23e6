/**
 * The kernel sandbox refuses to start where it cannot isolate kernels, saying why and what to
 * do; where it can, it leaves the data directory traversable but not listable.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, stat, symlink, mkdir, chmod } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { pino } from 'pino';
import { KernelSandbox } from '../../server/provisioners/local-sandbox/kernel-sandbox';
import { testPython } from '../helpers/python';

const dirs: string[] = [];
after(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

async function dataDir(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'lattice-sbx-'));
  dirs.push(dir);
  return dir;
}

const settings = { uidMin: 200000, uidMax: 299999, uidOfUser: async () => 200001, logger: pino({ level: 'silent' }) };

test('a Python other uids cannot read (like a pyenv build under /root) is refused at start-up, naming it and the fix', async () => {
  const data = await dataDir();
  // A venv-like directory that only root may enter: what a kernel uid meets under /root.
  const hidden = path.join(data, 'root-only');
  await mkdir(path.join(hidden, 'bin'), { recursive: true });
  await chmod(hidden, 0o700);
  const python = path.join(hidden, 'bin', 'python');
  await symlink(testPython(), python);
  await assert.rejects(KernelSandbox.start({ ...settings, dataDir: data, python }), (err: Error) => {
    assert.match(err.message, /A sandboxed kernel could not start here/);
    assert.match(err.message, new RegExp(python.replaceAll('/', '\\/')));
    assert.match(err.message, /readable by other users \(not under \/root\)/);
    return true;
  });
});

test('a data directory too long for the kernels’ socket paths is refused, saying so', async () => {
  const data = path.join(await dataDir(), 'x'.repeat(80));
  await mkdir(data);
  await assert.rejects(KernelSandbox.start({ ...settings, dataDir: data, python: testPython() }), /too long for the kernels' sockets/);
});

test('a working sandbox makes the data directory 0711: kernel uids traverse it, nobody lists it', async () => {
  const data = await dataDir();
  await KernelSandbox.start({ ...settings, dataDir: data, python: testPython() });
  assert.equal((await stat(data)).mode & 0o777, 0o711);
  assert.equal((await stat(path.join(data, 'sandbox', 'seccomp.bpf'))).mode & 0o777, 0o600);
});
