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
  assert.throws(() => localProvisionerFactory({ ...config, sparkMaster: 'http://master:8080' }));
});

test('local: a Spark environment gets its Spark properties and the startup script; it survives a reattach', async () => {
  const kernelId = crypto.randomUUID();
  const spark = { driverCores: 1, driverMemoryMib: 512, executors: 2, executorCores: 1, executorMemoryMib: 512 };
  const factory = localProvisionerFactory({ ...config, sparkMaster: 'spark://127.0.0.1:7077' });
  const p = factory.create({ kernelId, logger: pino({ level: 'silent' }) });
  const print = 'import os, json, sys, time; print(json.dumps([sys.argv, os.environ["LATTICE_SPARK_CONF"]]), flush=True); time.sleep(60)';
  const env = { ...environment, spark, argv: [testPython(), '-c', print, '{connection_file}'] };
  try {
    await p.launch({ kernelId, environment: env, env: {} }, () => undefined);
    const log = path.join(dataDir, 'kernels', kernelId, 'kernel.log');
    const deadline = Date.now() + 10_000;
    while (!(existsSync(log) && statSync(log).size > 0) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    const [argv, rawConf] = JSON.parse(readFileSync(log, 'utf8').split('\n')[0]) as [string[], string];
    const conf = JSON.parse(rawConf) as Record<string, string>;
    assert.match(argv.at(-1) ?? '', /^--IPKernelApp\.exec_files=\[".*\/server\/spark\/lattice-spark-startup\.py"\]$/);
    assert.equal(conf['spark.master'], 'spark://127.0.0.1:7077');
    assert.equal(conf['spark.cores.max'], '2');
    assert.ok(Number(conf['spark.ui.port']) > 0);
    // No driver answers on that port here: executors cannot be read, which is not an error.
    assert.equal(await p.executors?.(), null);
    const again = factory.fromInfo(JSON.parse(JSON.stringify(p.toInfo())), { kernelId, logger: pino({ level: 'silent' }) });
    assert.deepEqual(again.toInfo().standaloneDriver, { uiPort: Number(conf['spark.ui.port']), executorMemoryMib: 512 }, 'a restarted gateway still knows where the driver UI is');
  } finally {
    await p.kill({ restart: false });
    await p.cleanup({ restart: false });
  }
});
