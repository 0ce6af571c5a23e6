import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';

const SCRIPT = path.resolve(import.meta.dirname, 'prepare-machine.sh');
// A PATH with only what the script needs before its apt step, so chromium, java, bwrap… are absent.
const bin = mkdtempSync(path.join(tmpdir(), 'lattice-prepare-path-'));
chmodSync(bin, 0o755); // the script runs as nobody
after(() => rmSync(bin, { recursive: true, force: true }));
for (const tool of ['bash', 'dirname', 'date', 'id']) symlinkSync(path.join('/usr/bin', tool), path.join(bin, tool));

test('without root, missing system packages are named with the command that installs them, and nothing else runs', { skip: process.getuid?.() !== 0 && 'needs root to run the script as another user' }, () => {
  const run = spawnSync('/usr/bin/setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', 'bash', SCRIPT, '--skip-npm-ci'], {
    env: { NODE_ENV: 'test', PATH: bin },
    encoding: 'utf8',
  });
  assert.equal(run.status, 1, run.stdout + run.stderr);
  assert.doesNotMatch(run.stderr, /command not found/);
  const said = /missing system packages: (.+)\. Run this as root \(sudo npm test\), or install them yourself: sudo apt-get install (.+)$/m.exec(run.stderr);
  assert.ok(said, run.stderr);
  assert.equal(said[2], said[1]);
  for (const pkg of ['chromium', 'bubblewrap', 'slirp4netns', 'openjdk-17-jre-headless']) assert.ok(said[1].split(' ').includes(pkg), `${pkg} not named in: ${said[1]}`);
  assert.doesNotMatch(run.stdout, /=== prepare: npm packages/);
});

test('an unknown option is refused with the usage line', () => {
  const run = spawnSync('bash', [SCRIPT, '--frobnicate'], { encoding: 'utf8' });
  assert.equal(run.status, 2);
  assert.match(run.stderr, /usage: .*prepare-machine\.sh \[--skip-npm-ci\]/);
});
