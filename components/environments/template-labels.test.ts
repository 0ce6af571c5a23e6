import assert from 'node:assert/strict';
import { test } from 'node:test';
import { executorsLabel, hardwareSummary, nodeSelectorText, parseNodeSelectorText, placementLabel } from './template-labels';

const spark = { driverCores: 1, driverMemoryMib: 2048, executors: 4, executorCores: 1, executorMemoryMib: 2048, dynamicAllocation: null };

test('executors are counted, with the dynamic range when Spark scales', () => {
  assert.equal(executorsLabel(spark), '4 executors');
  assert.equal(executorsLabel({ ...spark, executors: 1 }), '1 executor');
  assert.equal(executorsLabel({ ...spark, dynamicAllocation: { minExecutors: 2, maxExecutors: 8 } }), '4 executors (2–8 dynamic)');
});

test('the hardware summary leaves out the name and spells out dynamic allocation', () => {
  const env = { name: 'Spark · big', cpuLimitM: 2000, memoryLimitMib: 8192, gpus: 1, spark: { ...spark, dynamicAllocation: { minExecutors: 2, maxExecutors: 8 } } };
  assert.equal(hardwareSummary(env), '2 vCPU · 8 GiB · 1 GPU · 4 executors (2–8 dynamic)');
  assert.equal(hardwareSummary({ ...env, gpus: 0, spark: null }), '2 vCPU · 8 GiB');
});

test('placement reads as selector labels and tolerations', () => {
  assert.equal(placementLabel(undefined), '');
  assert.equal(placementLabel({ nodeSelector: {}, tolerations: [] }), '');
  assert.equal(
    placementLabel({
      nodeSelector: { pool: 'spark' },
      tolerations: [
        { key: 'dedicated', operator: 'Equal', value: 'notebooks', effect: 'NoSchedule' },
        { key: 'nvidia.com/gpu', operator: 'Exists' },
        { operator: 'Exists' },
      ],
    }),
    'pool=spark · tolerates dedicated=notebooks:NoSchedule · tolerates nvidia.com/gpu (any value) · tolerates every taint',
  );
});

test('node selector lines round-trip and a bad line is named', () => {
  const selector = { pool: 'spark', 'node.kubernetes.io/instance-type': 'm5.xlarge' };
  assert.deepEqual(parseNodeSelectorText(nodeSelectorText(selector)), { selector });
  assert.deepEqual(parseNodeSelectorText('\n pool = spark \n\nzone=\n'), { selector: { pool: 'spark', zone: '' } });
  assert.deepEqual(parseNodeSelectorText('pool=spark\nspark'), { error: 'Line 2 (“spark”): write each label as key=value, e.g. pool=notebooks' });
  assert.deepEqual(parseNodeSelectorText('=x'), { error: 'Line 1 (“=x”): write each label as key=value, e.g. pool=notebooks' });
  assert.deepEqual(parseNodeSelectorText('a=1\na=2'), { error: 'Line 2: “a” is already set above' });
});
