import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { readKernelPins } from '../../common/kernel-requirements';
import { defaultDataSciencePackages } from './default-data-science-packages';

const REPO_FILE = path.resolve(import.meta.dirname, '../../python/kernel-requirements.txt');

test('the form offers exactly the default environment’s pins, in the file’s order', () => {
  const expected = [...readKernelPins(REPO_FILE)].map(([name, version]) => `${name}==${version}`);
  assert.deepEqual(defaultDataSciencePackages(REPO_FILE), expected);
  assert.ok(expected.some((line) => line.startsWith('pandas==')));
});

test('comments and blank lines are left out; a web without the file offers none', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'lattice-pins-'));
  const file = path.join(dir, 'kernel-requirements.txt');
  writeFileSync(file, '# why these\n\nnumpy==2.4.6  # arrays\npandas==3.1.1\n');
  assert.deepEqual(defaultDataSciencePackages(file), ['numpy==2.4.6', 'pandas==3.1.1']);
  assert.deepEqual(defaultDataSciencePackages(path.join(dir, 'missing.txt')), []);
});
