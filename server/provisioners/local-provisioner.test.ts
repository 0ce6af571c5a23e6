import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import type { TEnvironmentSpec } from '../../common/environment';
import { testPython } from '../../tests/helpers/python';
import { localProvisionerFactory } from './local-provisioner';
import { provisionerContract } from './provisioner-contract';

const dataDir = mkdtempSync(path.join(tmpdir(), 'lattice-local-prov-'));
after(() => rmSync(dataDir, { recursive: true, force: true }));

// A stand-in kernel: a process that just lives; readiness is the manager's concern, not this one's.
const environment: TEnvironmentSpec = {
  id: 'env',
  slug: 'sleeper',
  name: 'Sleeper',
  language: 'python',
  argv: [testPython(), '-c', 'import sys, time; time.sleep(60)', '{connection_file}'],
  image: null,
  cpuRequestM: 100,
  cpuLimitM: 100,
  memoryRequestMib: 64,
  memoryLimitMib: 64,
  gpus: 0,
  spark: null,
  idleTimeoutS: 60,
  provisioner: 'local',
  poolSize: 0,
};
const config = { python: testPython(), dataDir, baseEnv: { PATH: '/usr/bin:/bin' } };

provisionerContract({ factory: () => localProvisionerFactory(config), environment });

test('local: the connection file is private (0600), removed by cleanup; the kernel gets only KERNEL_* and safe variables', async () => {
  const kernelId = crypto.randomUUID();
  const p = localProvisionerFactory(config).create({ kernelId, logger: pino({ level: 'silent' }) });
  const env = { ...environment, argv: [testPython(), '-c', 'import os, json, sys, time; print(json.dumps(dict(os.environ)), flush=True); time.sleep(60)', '{connection_file}'] };
  try {
    await p.launch({ kernelId, environment: env, env: { KERNEL_PROJECT: 'p1' } }, () => undefined);
    const file = path.join(dataDir, 'kernels', kernelId, 'connection.json');
    assert.equal(statSync(file).mode & 0o777, 0o600);
    const log = path.join(dataDir, 'kernels', kernelId, 'kernel.log');
    const deadline = Date.now() + 10_000;
    while (!(existsSync(log) && statSync(log).size > 0) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    const seen = JSON.parse(readFileSync(log, 'utf8').split('\n')[0]) as Record<string, string>;
    assert.equal(seen.KERNEL_PROJECT, 'p1');
    assert.equal(seen.KERNEL_ID, kernelId);
    assert.equal(seen.DATABASE_URL, undefined);
    await p.kill({ restart: false });
    await p.cleanup({ restart: false });
    assert.equal(existsSync(file), false);
  } finally {
    await p.kill({ restart: false });
    await p.cleanup({ restart: false });
  }
});

test('local: an invalid config fails at start-up, not at first launch', () => {
  assert.throws(() => localProvisionerFactory({ python: '', dataDir: 'relative' }));
});
