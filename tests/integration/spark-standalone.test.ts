/**
 * Spark environments on the local provisioner (issue 6 §2): against a real Spark standalone
 * cluster (pyspark's own master and workers, Java 17, 127.0.0.1), a Spark kernel launched
 * through the gateway is the driver with a ready `spark`, gets the template's executors, runs
 * a real job on them, and the gateway lists them; stopping the kernel ends the application.
 * Without a configured master the same environment runs Spark's local mode in the kernel; a
 * master that does not answer fails the launch with a message naming it.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestDatabase, type TTestDatabase } from '../helpers/postgres';
import { createUserWithToken, gatewayFetch, openChannels, startTestGateway, type TChannelsClient, type TTestGateway } from '../helpers/gateway';
import { freePort } from '../helpers/free-port';
import { createEnvironment, killGroup, localState, until } from '../helpers/kernels';
import { startSparkStandalone, type TSparkStandalone } from '../helpers/spark-standalone';

const EXECUTORS = 2;
// Small on purpose: 2 cores for the master, workers, executors, the driver and the gateway.
const spark = { driverCores: 1, driverMemoryMib: 512, executors: EXECUTORS, executorCores: 1, executorMemoryMib: 512 };
// Spark kernels start a JVM before they answer: allow for a loaded 2-core machine.
const START_TIMEOUT_MS = 120_000;

let t: TTestDatabase;
let cluster: TSparkStandalone;
let token: string;
const gateways: TTestGateway[] = [];
const pids: number[] = [];

before(async () => {
  t = await createTestDatabase();
  ({ token } = await createUserWithToken(t.db));
  await createEnvironment(t.db, { slug: 'spark-small', name: 'Spark small', cpuRequestM: 500, cpuLimitM: 1000, memoryRequestMib: 1024, memoryLimitMib: 2048, spark });
  cluster = await startSparkStandalone({ workers: EXECUTORS, cores: 1, memoryMib: 768 });
});

after(async () => {
  for (const gw of gateways) await gw.close();
  for (const pid of pids) killGroup(pid);
  await cluster?.stop();
  await t?.drop();
});

async function gateway(sparkMaster: string | null): Promise<TTestGateway> {
  const gw = await startTestGateway({ db: t.db, config: { sparkMaster, kernelStartTimeoutMs: START_TIMEOUT_MS, kernelSampleIntervalMs: 500 } });
  gateways.push(gw);
  return gw;
}

async function launchSpark(gw: TTestGateway): Promise<string> {
  const res = await gatewayFetch(gw, '/api/kernels', { token, method: 'POST', body: { name: 'spark-small' } });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  pids.push((await localState(t.db, res.body.id)).pid);
  return res.body.id;
}

/** Runs `code` and returns its `text/plain` result (or printed output). */
async function evaluate(ch: TChannelsClient, code: string): Promise<string> {
  const { reply, iopub } = await ch.execute(code, 90_000);
  assert.equal(reply.content.status, 'ok', JSON.stringify(reply.content));
  const result = iopub.find((m) => m.header.msg_type === 'execute_result');
  if (result) return String((result.content.data as Record<string, unknown>)['text/plain']);
  return iopub.filter((m) => m.header.msg_type === 'stream').map((m) => String(m.content.text)).join('');
}

describe('Spark environment against a standalone master', () => {
  let gw: TTestGateway;
  let kernelId: string;
  let ch: TChannelsClient;

  before(async () => {
    gw = await gateway(cluster.masterUrl);
    kernelId = await launchSpark(gw);
    ch = await openChannels(gw, kernelId, { token });
  });

  after(() => ch?.close());

  test(`the kernel has a ready spark session with ${EXECUTORS} executors registered`, async () => {
    assert.equal(await evaluate(ch, 'sc.master'), `'${cluster.masterUrl}'`);
    // Executors register with the driver shortly after the session starts.
    const registered = await evaluate(
      ch,
      [
        'import time',
        'deadline = time.time() + 60',
        'while sc._jsc.sc().getExecutorMemoryStatus().size() - 1 < ' + EXECUTORS + ' and time.time() < deadline:',
        '    time.sleep(0.2)',
        'sc._jsc.sc().getExecutorMemoryStatus().size() - 1',
      ].join('\n'),
    );
    assert.equal(registered, String(EXECUTORS), 'the driver counts the template’s executors (the driver itself excluded)');
    const status = await cluster.status();
    const app = status.activeapps.find((a) => a.name.includes(kernelId));
    assert.ok(app, `the master runs the kernel's application: ${JSON.stringify(status.activeapps)}`);
    assert.equal(app.cores, EXECUTORS * spark.executorCores, 'spark.cores.max = executors × executor cores');
  });

  test('a real job runs on the executors, Python workers included', async () => {
    // In standalone mode tasks run only on executors; their cores are the default parallelism.
    assert.equal(await evaluate(ch, 'sc.defaultParallelism'), String(EXECUTORS * spark.executorCores));
    assert.equal(await evaluate(ch, 'spark.range(10**7).selectExpr("sum(id)").collect()[0][0]'), '49999995000000');
    assert.equal(await evaluate(ch, 'sc.parallelize(range(100), 4).map(lambda x: x * 2).sum()'), '9900');
  });

  test('the gateway lists the executors as running on the kernel model', async () => {
    let model: any;
    await until('the executors on the kernel model', async () => {
      model = (await gatewayFetch(gw, `/api/kernels/${kernelId}`, { token })).body;
      return model.lattice.executors?.length === EXECUTORS;
    }, 30_000);
    for (const executor of model.lattice.executors) {
      assert.deepEqual(
        { state: executor.state, host: executor.host, cores: executor.cores, memoryMib: executor.memoryMib },
        { state: 'running', host: '127.0.0.1', cores: 1, memoryMib: 512 },
      );
    }
    assert.deepEqual(model.lattice.executors.map((e: { id: string }) => e.id).sort(), ['0', '1']);
  });

  test('stopping the kernel ends its Spark application', async () => {
    const res = await gatewayFetch(gw, `/api/kernels/${kernelId}`, { token, method: 'DELETE' });
    assert.equal(res.status, 204);
    await until('the master to list the application as finished', async () => {
      const status = await cluster.status();
      return !status.activeapps.some((a) => a.name.includes(kernelId)) && status.completedapps.some((a) => a.name.includes(kernelId));
    }, 30_000);
    const app = (await cluster.status()).completedapps.find((a) => a.name.includes(kernelId));
    assert.equal(app?.state, 'FINISHED');
  });
});

describe('Spark environment without a master', () => {
  test("the kernel runs Spark's local mode with a thread per executor core; no executors are listed", async () => {
    const gw = await gateway(null);
    const kernelId = await launchSpark(gw);
    const ch = await openChannels(gw, kernelId, { token });
    try {
      assert.equal(await evaluate(ch, 'sc.master'), `'local[${EXECUTORS}]'`);
      // The template's driver memory is the driver JVM's heap (the JVM reports a little less).
      const heapMib = Number(await evaluate(ch, 'sc._jvm.java.lang.Runtime.getRuntime().maxMemory() // 2**20'));
      assert.ok(heapMib > 0.8 * spark.driverMemoryMib && heapMib <= spark.driverMemoryMib, `driver heap ${heapMib} MiB`);
      assert.equal(await evaluate(ch, 'spark.range(10**7).selectExpr("sum(id)").collect()[0][0]'), '49999995000000');
      const model = (await gatewayFetch(gw, `/api/kernels/${kernelId}`, { token })).body;
      assert.equal(model.lattice.executors, null);
    } finally {
      await ch.close();
    }
  });
});

describe('Spark environment with a master that does not answer', () => {
  test('the launch fails at once with a message naming the master', async () => {
    const master = `spark://127.0.0.1:${await freePort()}`;
    const gw = await gateway(master);
    const res = await gatewayFetch(gw, '/api/kernels', { token, method: 'POST', body: { name: 'spark-small' } });
    assert.equal(res.status, 503, JSON.stringify(res.body));
    assert.equal(res.body.code, 'KERNEL_UNAVAILABLE');
    assert.ok(res.body.message.includes(`The Spark master ${master} does not answer`), res.body.message);
  });
});
