import assert from 'node:assert/strict';
import { test } from 'node:test';
import { toEnvironmentInput, validateEnvironment, type TPlatformMaximums } from '@/common/environment-input';
import { checkDraft, draftOf } from './environment-draft';

const MAX: TPlatformMaximums = { maxCpuM: 16000, maxMemoryMib: 65536, maxGpus: 4, maxExecutors: 16, poolBudget: 4, maxEnvironmentsPerProject: 20, kernelStartsOnRun: true };

const stored = validateEnvironment(
  {
    name: 'Spark on pool',
    language: 'python',
    cpuRequest: 1,
    cpuLimit: 2,
    memoryRequestGib: 2,
    memoryLimitGib: 4,
    provisioner: 'kubernetes',
    image: 'ghcr.io/acme/pyspark:3.5',
    spark: { driverCores: 1, driverMemoryGib: 2, executors: 4, executorCores: 1, executorMemoryGib: 2, dynamicAllocation: { minExecutors: 2, maxExecutors: 8 } },
    placement: { nodeSelector: { pool: 'spark' }, tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'spark', effect: 'NoSchedule' }] },
  },
  MAX,
  'global',
);

test('a stored template comes back unchanged through the form', () => {
  const draft = draftOf(stored);
  assert.equal(draft.nodeSelector, 'pool=spark');
  assert.deepEqual(draft.tolerations, [{ key: 'dedicated', operator: 'Equal', value: 'spark', effect: 'NoSchedule' }]);
  assert.equal(draft.dynamicOn, true);
  assert.deepEqual(checkDraft(draft, MAX, 'global'), { values: stored, errors: null });
});

test('dynamic allocation off sends none; the typed range is kept for turning it back on', () => {
  const draft = { ...draftOf(stored), dynamicOn: false };
  assert.equal(checkDraft(draft, MAX, 'global').values?.spark?.dynamicAllocation, null);
  assert.equal(draft.minExecutors, '2');
  assert.equal(draft.maxExecutors, '8');
});

test('a node selector line without = is a field message, together with the server rules’ messages', () => {
  const draft = { ...draftOf(stored), nodeSelector: 'pool=spark\ngpu', tolerations: [{ key: '', operator: 'Equal' as const, value: 'x', effect: '' as const }] };
  assert.deepEqual(checkDraft(draft, MAX, 'global').errors, {
    'placement.nodeSelector': 'Line 2 (“gpu”): write each label as key=value, e.g. pool=notebooks',
    'placement.tolerations.0.key': 'Enter the taint key (only Exists may leave it empty, to tolerate every taint)',
  });
  assert.deepEqual(checkDraft({ ...draftOf(stored), nodeSelector: 'gpu', maxExecutors: '3' }, MAX, 'global').errors, {
    'placement.nodeSelector': 'Line 1 (“gpu”): write each label as key=value, e.g. pool=notebooks',
    'spark.dynamicAllocation.maxExecutors': 'Maximum executors must not be below the initial executors (4)',
  });
});

test('a new template starts local, without Spark or placement', () => {
  const { values } = checkDraft({ ...draftOf(null), name: 'Small' }, MAX, 'global');
  assert.equal(values?.provisioner, 'local');
  assert.equal(values?.spark, null);
  assert.deepEqual(values?.placement, { nodeSelector: {}, tolerations: [] });
});

test('the network setting starts at egress and a chosen none comes back through the form', () => {
  assert.equal(checkDraft({ ...draftOf(null), name: 'Small' }, MAX, 'global').values?.network, 'egress');
  const offline = validateEnvironment({ ...toEnvironmentInput(stored), network: 'none' }, MAX, 'global');
  assert.equal(draftOf(offline).network, 'none');
  assert.deepEqual(checkDraft(draftOf(offline), MAX, 'global'), { values: offline, errors: null });
});

test('the software section round-trips, and its problems are named as the server names them', () => {
  const local = { ...draftOf(null), name: 'Scraping', pythonVersion: '3.11', packages: 'requests==2.31.0\n# for the API\n' };
  const checked = checkDraft(local, MAX, 'global');
  assert.equal(checked.values?.pythonVersion, '3.11');
  assert.equal(checked.values?.packages, 'requests==2.31.0');
  const again = draftOf(checked.values!);
  assert.equal(again.pythonVersion, '3.11');
  assert.equal(again.packages, 'requests==2.31.0');
  assert.match(checkDraft({ ...local, packages: '-r /etc/passwd' }, MAX, 'global').errors?.['software.packages'] ?? '', /installer options/);
});

test('on Kubernetes no Python version is sent (the base is the kernel image); empty software is the platform default', () => {
  const draft = { ...draftOf(null), name: 'Pods', provisioner: 'kubernetes', pythonVersion: '3.11', packages: 'requests==2.31.0' };
  assert.equal(checkDraft(draft, MAX, 'global').values?.pythonVersion, null);
  const plain = checkDraft({ ...draftOf(null), name: 'Plain' }, MAX, 'global').values!;
  assert.equal(plain.pythonVersion, null);
  assert.equal(plain.packages, '');
});
