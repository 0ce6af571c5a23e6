import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SANDBOX_HOME, SANDBOX_RUN_DIR, sandboxArgv } from './sandbox-argv';

const base = {
  launcher: '/srv/lattice/kernel-launcher.sh',
  uid: 200007,
  privateDir: '/srv/data/sandbox/k1',
  homeDir: '/srv/data/homes/u1/p1',
  readOnly: ['/srv/data/venv', '/usr'],
  argv: ['/srv/data/venv/bin/python', '-m', 'ipykernel_launcher', '-f', '/run/lattice/connection.json'],
};

/** The bwrap options after the launcher's own arguments, as (option, args) for lookups. */
function bwrapOf(argv: string[]): string[] {
  return argv.slice(argv.indexOf('--', argv.indexOf(base.privateDir)) + 1);
}

test('the launcher gets uid, network and private dir; the kernel argv comes last, after --', () => {
  const argv = sandboxArgv({ ...base, network: 'none' });
  assert.deepEqual(argv.slice(0, 6), ['unshare', '--pid', '--fork', '--kill-child', '--mount-proc', '--']);
  assert.deepEqual(argv.slice(6, 12), ['/bin/sh', base.launcher, '200007', 'none', base.privateDir, '--']);
  const bwrap = bwrapOf(argv);
  assert.deepEqual(bwrap.slice(bwrap.lastIndexOf('--') + 1), base.argv);
});

test('every namespace is unshared; only egress keeps the (launcher-made) network namespace', () => {
  const none = bwrapOf(sandboxArgv({ ...base, network: 'none' }));
  assert.ok(none.includes('--unshare-all'));
  assert.ok(!none.includes('--share-net'));
  assert.ok(bwrapOf(sandboxArgv({ ...base, network: 'egress' })).includes('--share-net'));
});

test('the kernel sees the system read-only, its Python, its private dir and home, a private /tmp and /proc, no capabilities, the seccomp filter', () => {
  const bwrap = bwrapOf(sandboxArgv({ ...base, network: 'none' })).join(' ');
  for (const part of [
    '--ro-bind /usr /usr',
    '--ro-bind /etc /etc',
    '--ro-bind /srv/data/venv /srv/data/venv',
    `--bind ${base.privateDir} ${SANDBOX_RUN_DIR}`,
    `--bind ${base.homeDir} ${SANDBOX_HOME}`,
    `--chdir ${SANDBOX_HOME}`,
    '--tmpfs /tmp',
    '--proc /proc',
    '--dev /dev',
    '--cap-drop ALL',
    '--seccomp 3',
  ]) {
    assert.ok(bwrap.includes(part), part);
  }
  // /usr is already mounted whole; nothing of the data directory but the two binds above.
  assert.equal(bwrap.match(/--ro-bind \/usr /g)?.length, 1);
  // venv (source and target), private dir, home, and the kernel argv's Python.
  assert.equal(bwrap.match(/\/srv\/data\//g)?.length, 5);
});
