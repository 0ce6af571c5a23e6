import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { TSparkSpec } from '../../common/environment';
import {
  executorMemorySplit,
  kubernetesSparkConf,
  localModeSparkConf,
  sparkKernelArgs,
  sparkKernelEnv,
  sparkPodEnv,
  standaloneSparkConf,
} from './spark-conf';

const kernelId = '8a1f0c52-7d0e-4c1b-9d55-3b1e2f0a9c11';
const spark: TSparkSpec = { driverCores: 1, driverMemoryMib: 1024, executors: 3, executorCores: 2, executorMemoryMib: 2048 };

test('standalone: the template sizes the app; the driver stays on loopback with the UI port given', () => {
  const conf = standaloneSparkConf(spark, { kernelId, master: 'spark://10.0.0.5:7077', uiPort: 40123 });
  assert.equal(conf['spark.master'], 'spark://10.0.0.5:7077');
  assert.equal(conf['spark.executor.cores'], '2');
  assert.equal(conf['spark.executor.memory'], '2048m');
  assert.equal(conf['spark.cores.max'], '6', 'executors × executor cores');
  assert.equal(conf['spark.driver.memory'], '1024m');
  assert.equal(conf['spark.driver.cores'], '1');
  assert.equal(conf['spark.driver.host'], '127.0.0.1');
  assert.equal(conf['spark.driver.bindAddress'], '127.0.0.1');
  assert.equal(conf['spark.ui.port'], '40123');
  assert.ok(conf['spark.app.name'].includes(kernelId), 'the app name ties the Spark app to its kernel');
  assert.equal(conf['spark.dynamicAllocation.enabled'], undefined);
});

test('standalone: fractional executor cores are whole task slots; dynamic allocation caps cores at the max executors', () => {
  const conf = standaloneSparkConf(
    { ...spark, executorCores: 0.5, executors: 2, dynamicAllocation: { minExecutors: 1, maxExecutors: 4 } },
    { kernelId, master: 'spark://m:7077', uiPort: 4040 },
  );
  assert.equal(conf['spark.executor.cores'], '1');
  assert.equal(conf['spark.cores.max'], '4', 'admission reserved the maximum');
  assert.equal(conf['spark.dynamicAllocation.enabled'], 'true');
  assert.equal(conf['spark.dynamicAllocation.minExecutors'], '1');
  assert.equal(conf['spark.dynamicAllocation.maxExecutors'], '4');
  assert.equal(conf['spark.dynamicAllocation.initialExecutors'], '2');
  assert.equal(conf['spark.dynamicAllocation.shuffleTracking.enabled'], 'true');
});

test('dynamic allocation: the initial count stays within min and max', () => {
  const conf = (executors: number) =>
    standaloneSparkConf({ ...spark, executors, dynamicAllocation: { minExecutors: 2, maxExecutors: 3 } }, { kernelId, master: 'spark://m:7077', uiPort: 4040 });
  assert.equal(conf(0)['spark.dynamicAllocation.initialExecutors'], '2');
  assert.equal(conf(9)['spark.dynamicAllocation.initialExecutors'], '3');
});

test('local mode (no master): one thread per executor core, in the driver', () => {
  const conf = localModeSparkConf(spark, { kernelId, uiPort: 4041 });
  assert.equal(conf['spark.master'], 'local[6]');
  assert.equal(conf['spark.driver.memory'], '1024m');
  assert.equal(conf['spark.ui.port'], '4041');
  assert.equal(localModeSparkConf({ ...spark, executors: 0 }, { kernelId, uiPort: 4041 })['spark.master'], 'local[1]');
  const dynamic = localModeSparkConf({ ...spark, dynamicAllocation: { minExecutors: 1, maxExecutors: 4 } }, { kernelId, uiPort: 4041 });
  assert.equal(dynamic['spark.master'], 'local[8]', 'the maximum admission reserved');
  assert.equal(dynamic['spark.dynamicAllocation.enabled'], undefined, 'local mode has no executors to scale');
});

const k8s = {
  kernelId,
  namespace: 'lattice-analytics',
  driverPodName: `kernel-${kernelId}`,
  image: 'registry.example/lattice/kernel-pyspark:3.5',
  apiUrl: 'https://10.244.0.1:6443',
  labels: { 'lattice.dev/kernel-id': kernelId, 'lattice.dev/project': 'p1' },
};

test('kubernetes: client mode with the driver in the kernel pod; executors owned by it, sized by the template', () => {
  const conf = kubernetesSparkConf(spark, k8s);
  assert.equal(conf['spark.master'], 'k8s://https://10.244.0.1:6443');
  assert.equal(conf['spark.submit.deployMode'], 'client');
  assert.equal(conf['spark.kubernetes.namespace'], 'lattice-analytics');
  assert.equal(conf['spark.kubernetes.driver.pod.name'], `kernel-${kernelId}`);
  assert.equal(conf['spark.kubernetes.container.image'], 'registry.example/lattice/kernel-pyspark:3.5');
  assert.equal(conf['spark.executor.instances'], '3');
  assert.equal(conf['spark.executor.cores'], '2');
  assert.equal(conf['spark.kubernetes.executor.request.cores'], '2000m');
  assert.equal(conf['spark.kubernetes.executor.limit.cores'], '2000m');
  assert.equal(conf['spark.kubernetes.authenticate.caCertFile'], '/var/run/secrets/kubernetes.io/serviceaccount/ca.crt');
  assert.equal(conf['spark.kubernetes.authenticate.oauthTokenFile'], '/var/run/secrets/kubernetes.io/serviceaccount/token');
  assert.equal(conf['spark.kubernetes.executor.label.lattice.dev/kernel-id'], kernelId);
  assert.equal(conf['spark.kubernetes.executor.label.lattice.dev/project'], 'p1');
  assert.equal(conf['spark.driver.bindAddress'], '0.0.0.0');
  assert.equal(conf['spark.driver.host'], undefined, 'the pod IP is set at start-up from LATTICE_POD_IP');
  assert.equal(conf['spark.driver.port'], '7078');
  assert.equal(conf['spark.driver.blockManager.port'], '7079');
  assert.ok(conf['spark.kubernetes.executor.podNamePrefix'].length <= 47);
});

test('kubernetes: the executor pod asks for exactly the template memory (heap + overhead)', () => {
  const conf = kubernetesSparkConf(spark, k8s);
  const heap = Number(conf['spark.executor.memory'].replace(/m$/, ''));
  const overhead = Number(conf['spark.executor.memoryOverhead'].replace(/m$/, ''));
  assert.equal(heap + overhead, 2048);
  assert.equal(overhead, 384, "Spark's minimum overhead below 3840 MiB");
  assert.deepEqual(executorMemorySplit(8192), { heapMib: 8192 - 820, overheadMib: 820 });
  assert.throws(() => executorMemorySplit(512), /at least 834 MiB.*gives them 512 MiB/);
});

test('kubernetes: dynamic allocation with shuffle tracking', () => {
  const conf = kubernetesSparkConf({ ...spark, dynamicAllocation: { minExecutors: 0, maxExecutors: 5 } }, k8s);
  assert.equal(conf['spark.dynamicAllocation.enabled'], 'true');
  assert.equal(conf['spark.dynamicAllocation.maxExecutors'], '5');
  assert.equal(conf['spark.dynamicAllocation.shuffleTracking.enabled'], 'true');
});

test('kubernetes: fractional executor cores request exact millicores', () => {
  const conf = kubernetesSparkConf({ ...spark, executorCores: 0.5 }, k8s);
  assert.equal(conf['spark.kubernetes.executor.request.cores'], '500m');
  assert.equal(conf['spark.executor.cores'], '1');
});

test('launch helpers: the properties travel as JSON; in a pod with the pod IP; the script runs via exec_files', () => {
  const conf = { 'spark.master': 'local[2]' };
  assert.deepEqual(JSON.parse(sparkKernelEnv(conf).LATTICE_SPARK_CONF), conf);
  const podEnv = sparkPodEnv(conf);
  assert.deepEqual(podEnv.find((e) => e.name === 'LATTICE_POD_IP'), { name: 'LATTICE_POD_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } });
  assert.equal(podEnv.find((e) => e.name === 'LATTICE_SPARK_CONF')?.value, JSON.stringify(conf));
  assert.deepEqual(sparkKernelArgs('/opt/lattice/lattice-spark-startup.py'), ['--IPKernelApp.exec_files=["/opt/lattice/lattice-spark-startup.py"]']);
});
