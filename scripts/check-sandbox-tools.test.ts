import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { missingSandboxTools } from './check-sandbox-tools';

const dir = mkdtempSync(path.join(tmpdir(), 'lattice-sandbox-tools-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('npm start names each missing sandbox tool and the Debian package to install', () => {
  for (const tool of ['bwrap', 'setpriv', 'unshare']) {
    writeFileSync(path.join(dir, tool), '#!/bin/sh\n');
    chmodSync(path.join(dir, tool), 0o755);
  }
  const missing = missingSandboxTools(dir);
  // iptables is found in /usr/sbin when installed, whatever the PATH; slirp4netns only on PATH.
  assert.ok(missing?.tools.includes('slirp4netns'));
  assert.ok(!missing?.tools.includes('bwrap'));
  assert.match(missing!.message, /apt-get install slirp4netns/);
  assert.match(missing!.message, /LATTICE_LOCAL_SANDBOX=off/);
});
