import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { metricsToken } from './metrics-token';

test('npm start gives the gateway a scrape token: the one set, else one generated once into the data dir (0600)', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'lattice-metrics-token-'));
  try {
    assert.equal(metricsToken(dir, 'set-by-the-operator-1234'), 'set-by-the-operator-1234');
    const generated = metricsToken(dir, undefined);
    assert.ok(generated.length >= 16);
    const file = path.join(dir, 'metrics-token');
    assert.equal(readFileSync(file, 'utf8').trim(), generated, 'kept where Prometheus can read it');
    assert.equal(statSync(file).mode & 0o777, 0o600);
    assert.equal(metricsToken(dir, undefined), generated, 'the same token on every start');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
