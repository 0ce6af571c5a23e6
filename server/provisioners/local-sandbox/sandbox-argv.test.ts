import assert from 'node:assert/strict';
import { test } from 'node:test';
import { etcFiles, SANDBOX_HOME, SANDBOX_RUN_DIR, sandboxArgv } from './sandbox-argv';

const base = {
  launcher: '/srv/lattice/kernel-launcher.sh',
  etcDir: '/srv/data/sandbox/k1.etc',
  uid: 200007,
  networkGid: 299999,
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
  assert.deepEqual(argv.slice(6, 14), ['/bin/sh', base.launcher, '200007', 'none', base.privateDir, '299999', '-', '--']);
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
    '--ro-bind /etc /etc --ro-bind /srv/data/sandbox/k1.etc/hosts /etc/hosts --ro-bind /srv/data/sandbox/k1.etc/passwd /etc/passwd --ro-bind /srv/data/sandbox/k1.etc/group /etc/group',
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
  // its /etc files, venv (source and target), private dir, home, and the kernel argv's Python.
  assert.equal(bwrap.match(/\/srv\/data\//g)?.length, 3 + 5);
});

test("the kernel's passwd and group name only root, itself and nobody; its hostname resolves to loopback", () => {
  const files = etcFiles(200007);
  assert.match(files.passwd, /^lattice:x:200007:200007:[^:]*:\/home\/lattice:/m);
  assert.equal(files.passwd.trim().split('\n').length, 3);
  assert.match(files.group, /^lattice:x:200007:$/m);
  assert.match(files.hosts, /^127\.0\.0\.1 localhost lattice-kernel$/m);
});

test('a Python under /tmp stays visible: the private /tmp is mounted before the read-only binds', () => {
  const bwrap = bwrapOf(sandboxArgv({ ...base, network: 'none', readOnly: ['/tmp/ci/lattice/.data/venv'] }));
  const tmpfs = bwrap.indexOf('--tmpfs');
  assert.equal(bwrap[tmpfs + 1], '/tmp');
  assert.ok(tmpfs < bwrap.indexOf('/tmp/ci/lattice/.data/venv'));
});

test("a project's kernel gets its files read-write at /project, its working directory, and the project's group", () => {
  const project = { dir: '/srv/data/project-files/p1', gid: 1000004242 };
  const argv = sandboxArgv({ ...base, network: 'none', project });
  assert.deepEqual(argv.slice(11, 14), ['299999', '1000004242', '--'], 'the launcher adds the group');
  const bwrap = bwrapOf(argv).join(' ');
  assert.ok(bwrap.includes(`--bind ${project.dir} /project --chdir /project`));
  assert.ok(!bwrap.includes(`--chdir ${SANDBOX_HOME}`));
  assert.equal(bwrap.match(/project-files/g)?.length, 1, 'only its own project folder');
});
