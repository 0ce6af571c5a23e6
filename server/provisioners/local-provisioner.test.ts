import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { environmentSpec } from '../../tests/helpers/environment-spec';
import { testPython } from '../../tests/helpers/python';
import { findFreePorts } from './free-ports';
import { localProvisionerFactory } from './local-provisioner';
import { KernelStartError } from './provisioner';
import { provisionerContract } from './provisioner-contract';

const dataDir = mkdtempSync(path.join(tmpdir(), 'lattice-local-prov-'));
after(() => rmSync(dataDir, { recursive: true, force: true }));

// The contract talks to the kernel over ZeroMQ: a real ipykernel. The tests below that only
// read what the process was given run a short script instead.
const environment = environmentSpec({
  argv: [testPython(), '-m', 'ipykernel_launcher', '-f', '{connection_file}'],
  cpuLimitM: 1000,
  memoryLimitMib: 512,
  provisioner: 'local',
});
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

const spark = { driverCores: 1, driverMemoryMib: 512, executors: 2, executorCores: 1, executorMemoryMib: 512 };

test('local: a Spark environment without a master gets local-mode Spark properties and the startup script', async () => {
  const kernelId = crypto.randomUUID();
  const p = localProvisionerFactory(config).create({ kernelId, logger: pino({ level: 'silent' }) });
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
    assert.equal(conf['spark.master'], 'local[2]');
    assert.ok(Number(conf['spark.ui.port']) > 0);
    assert.equal(await p.executors?.(), null, 'local mode has no executors to list');
  } finally {
    await p.kill({ restart: false });
    await p.cleanup({ restart: false });
  }
});

test('local: a Spark launch against a master that does not answer fails at once, naming the master', async () => {
  const kernelId = crypto.randomUUID();
  const [port] = await findFreePorts(1);
  const p = localProvisionerFactory({ ...config, sparkMaster: `spark://127.0.0.1:${port}` }).create({ kernelId, logger: pino({ level: 'silent' }) });
  await assert.rejects(p.launch({ kernelId, environment: { ...environment, spark }, env: {} }, () => undefined), (err: Error) => {
    assert.ok(err instanceof KernelStartError);
    assert.match(err.message, new RegExp(`The Spark master spark://127\\.0\\.0\\.1:${port} does not answer`));
    return true;
  });
  await p.cleanup({ restart: false });
});
