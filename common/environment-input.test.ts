import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AppError } from './errors';
import { toEnvironmentInput, validateEnvironment, type TEnvironmentInput, type TPlatformMaximums } from './environment-input';

const MAX: TPlatformMaximums = { maxCpuM: 16000, maxMemoryMib: 65536, maxGpus: 4, maxExecutors: 16, poolBudget: 4, maxEnvironmentsPerProject: 20, kernelStartsOnRun: true };

const base: TEnvironmentInput = {
  name: 'Python 3.11',
  language: 'python',
  cpuRequest: 1.5,
  cpuLimit: 2,
  memoryRequestGib: 4,
  memoryLimitGib: 8,
};

function fieldsOf(input: unknown, max = MAX, scope: 'global' | 'project' = 'global'): Record<string, string> {
  try {
    validateEnvironment(input, max, scope);
  } catch (err) {
    assert.ok(err instanceof AppError);
    assert.equal(err.code, 'BAD_REQUEST');
    return err.fields ?? {};
  }
  assert.fail('expected the input to be refused');
}

describe('validateEnvironment', () => {
  it('converts form units to stored units and fills defaults', () => {
    const v = validateEnvironment(base, MAX, 'global');
    assert.deepEqual(v, {
      name: 'Python 3.11',
      description: '',
      language: 'python',
      argv: null,
      image: null,
      cpuRequestM: 1500,
      cpuLimitM: 2000,
      memoryRequestMib: 4096,
      memoryLimitMib: 8192,
      gpus: 0,
      idleTimeoutS: 3600,
      noClientTimeoutS: 600,
      provisioner: 'local',
      poolSize: 0,
      network: 'egress',
      spark: null,
      placement: { nodeSelector: {}, tolerations: [] },
      baseEnvironmentId: null,
      pythonVersion: null,
      packages: '',
    });
  });

  it('takes a software section, stored normalized, and refuses a bad package line beside its field', () => {
    const v = validateEnvironment({ ...base, software: { pythonVersion: '3.11', packages: 'requests==2.31.0\n# comment\n' } }, MAX, 'project');
    assert.equal(v.pythonVersion, '3.11');
    assert.equal(v.packages, 'requests==2.31.0');
    assert.match(fieldsOf({ ...base, software: { packages: '--extra-index-url https://x.example' } })['software.packages'], /installer options/);
  });

  it('takes network none or egress and names the choices for anything else', () => {
    assert.equal(validateEnvironment({ ...base, network: 'none' }, MAX, 'project').network, 'none');
    assert.equal(fieldsOf({ ...base, network: 'host' }).network, 'Choose the network: none (no network) or egress (internet, never this host’s services)');
  });

  it('names the field when a limit is below its request', () => {
    const f = fieldsOf({ ...base, cpuLimit: 1, memoryLimitGib: 2 });
    assert.equal(f.cpuLimit, 'CPU limit must not be below the CPU request (1.5 vCPU)');
    assert.equal(f.memoryLimitGib, 'Memory limit must not be below the memory request (4 GiB)');
  });

  it('refuses values above the platform maximums, saying the maximum', () => {
    const f = fieldsOf({ ...base, memoryLimitGib: 128, cpuLimit: 32, gpus: 5 });
    assert.equal(f.memoryLimitGib, 'Memory limit is above the platform maximum of 64 GiB');
    assert.equal(f.cpuLimit, 'CPU limit is above the platform maximum of 16 vCPU');
    assert.equal(f.gpus, 'Number of GPUs is above the platform maximum of 4');
    const tighter = fieldsOf(base, { ...MAX, maxCpuM: 1000, maxMemoryMib: 4096 });
    assert.equal(tighter.cpuRequest, 'CPU request is above the platform maximum of 1 vCPU');
    assert.equal(tighter.memoryLimitGib, 'Memory limit is above the platform maximum of 4 GiB');
    assert.equal(tighter.memoryRequestGib, undefined);
  });

  it('asks for positive numbers, field by field', () => {
    const f = fieldsOf({ ...base, name: ' ', cpuRequest: 0, memoryRequestGib: -1, gpus: 1.5, idleTimeoutMinutes: 0, poolSize: -2 });
    assert.equal(f.name, 'Enter a name');
    assert.equal(f.cpuRequest, 'CPU request must be more than 0 vCPU');
    assert.equal(f.memoryRequestGib, 'Memory request must be more than 0 GiB');
    assert.equal(f.gpus, 'Enter the number of GPUs as a whole number');
    assert.equal(f.idleTimeoutMinutes, 'Idle timeout in minutes must be at least 1');
    assert.equal(f.poolSize, 'Warm-pool size must be at least 0');
  });

  it('stores the no-client timeout in seconds, and asks for at least a minute', () => {
    const v = validateEnvironment({ ...base, noClientTimeoutMinutes: 25 }, MAX, 'global');
    assert.deepEqual([v.noClientTimeoutS, v.idleTimeoutS], [1500, 3600]);
    assert.equal(toEnvironmentInput(v).noClientTimeoutMinutes, 25);
    assert.equal(fieldsOf({ ...base, noClientTimeoutMinutes: 0 }).noClientTimeoutMinutes, 'No-client timeout in minutes must be at least 1');
  });

  it('keeps warm pools to local kernels', () => {
    assert.equal(fieldsOf({ ...base, provisioner: 'kubernetes', poolSize: 2 }).poolSize, 'Warm pools are for local kernels only; set 0 for Kubernetes');
    assert.equal(validateEnvironment({ ...base, provisioner: 'local', poolSize: 2 }, MAX, 'global').poolSize, 2);
  });

  it('refuses a kernel command, an image or a pool in a project template, and a base kernel in a global one', () => {
    const argv = ['python', '-m', 'ipykernel_launcher', '-f', '{connection_file}'];
    const f = fieldsOf({ ...base, argv, image: 'ghcr.io/acme/python:3.11', poolSize: 1 }, MAX, 'project');
    assert.equal(f.argv, 'Only administrators set kernel commands, in global environments; choose a kernel from one instead');
    assert.equal(f.image, 'Only administrators set container images, in global environments; choose a kernel from one instead');
    assert.equal(f.poolSize, 'Warm pools are configured by administrators, on global environments only; set 0');
    const baseId = '6f9619ff-8b86-4d11-b42d-00c04fc964ff';
    assert.equal(validateEnvironment({ ...base, baseEnvironmentId: baseId }, MAX, 'project').baseEnvironmentId, baseId);
    assert.equal(fieldsOf({ ...base, baseEnvironmentId: baseId }).baseEnvironmentId, 'A global environment defines its own kernel; leave this empty');
    assert.equal(fieldsOf({ ...base, baseEnvironmentId: 'python' }, MAX, 'project').baseEnvironmentId, 'Choose a kernel from the global environments');
  });

  it('asks for a number where text was sent', () => {
    assert.equal(fieldsOf({ ...base, cpuLimit: '2' }).cpuLimit, 'Enter the CPU limit in vCPU');
  });

  it('requires {connection_file} in a custom command and accepts one that has it', () => {
    assert.equal(fieldsOf({ ...base, argv: ['python', '-m', 'ipykernel'] }).argv, 'The command must include {connection_file}');
    const v = validateEnvironment({ ...base, argv: ['python', '-m', 'ipykernel_launcher', '-f', '{connection_file}'] }, MAX, 'global');
    assert.deepEqual(v.argv, ['python', '-m', 'ipykernel_launcher', '-f', '{connection_file}']);
    assert.equal(validateEnvironment({ ...base, argv: [''] }, MAX, 'global').argv, null);
  });

  it('checks the Spark section against the maximums and stores it in MiB', () => {
    const spark = { driverCores: 1, driverMemoryGib: 2, executors: 20, executorCores: 2, executorMemoryGib: 0.5 };
    assert.equal(fieldsOf({ ...base, spark })['spark.executors'], 'Number of executors is above the platform maximum of 16');
    assert.equal(fieldsOf({ ...base, spark: { ...spark, executorCores: 0 } })['spark.executorCores'], 'Executor CPU must be more than 0 vCPU');
    const v = validateEnvironment({ ...base, spark: { ...spark, executors: 4 } }, MAX, 'global');
    assert.deepEqual(v.spark, { driverCores: 1, driverMemoryMib: 2048, executors: 4, executorCores: 2, executorMemoryMib: 512, dynamicAllocation: null });
  });

  it('keeps dynamic allocation with min ≤ initial ≤ max, max within the platform maximum', () => {
    const spark = { driverCores: 1, driverMemoryGib: 2, executors: 4, executorCores: 1, executorMemoryGib: 1 };
    const v = validateEnvironment({ ...base, spark: { ...spark, dynamicAllocation: { minExecutors: 2, maxExecutors: 8 } } }, MAX, 'global');
    assert.deepEqual(v.spark?.dynamicAllocation, { minExecutors: 2, maxExecutors: 8 });
    const edges = validateEnvironment({ ...base, spark: { ...spark, dynamicAllocation: { minExecutors: 4, maxExecutors: 4 } } }, MAX, 'global');
    assert.deepEqual(edges.spark?.dynamicAllocation, { minExecutors: 4, maxExecutors: 4 });

    const f = fieldsOf({ ...base, spark: { ...spark, dynamicAllocation: { minExecutors: 5, maxExecutors: 3 } } });
    assert.equal(f['spark.dynamicAllocation.minExecutors'], 'Minimum executors must not be above the initial executors (4)');
    assert.equal(f['spark.dynamicAllocation.maxExecutors'], 'Maximum executors must not be below the initial executors (4)');
    const over = fieldsOf({ ...base, spark: { ...spark, dynamicAllocation: { minExecutors: 0, maxExecutors: 17 } } });
    assert.equal(over['spark.dynamicAllocation.maxExecutors'], 'Maximum executors is above the platform maximum of 16');
    const junk = fieldsOf({ ...base, spark: { ...spark, dynamicAllocation: { minExecutors: -1, maxExecutors: 2.5 } } });
    assert.equal(junk['spark.dynamicAllocation.minExecutors'], 'Minimum executors must be at least 0');
    assert.equal(junk['spark.dynamicAllocation.maxExecutors'], 'Enter the maximum executors as a whole number');
  });

  it('stores a node selector and tolerations, blank toleration fields left out', () => {
    const v = validateEnvironment(
      {
        ...base,
        provisioner: 'kubernetes',
        image: 'ghcr.io/acme/python:3.11',
        placement: {
          nodeSelector: { 'node.kubernetes.io/instance-type': 'm5.xlarge', pool: 'notebooks' },
          tolerations: [
            { key: 'dedicated', operator: 'Equal', value: 'notebooks', effect: 'NoSchedule' },
            { key: ' nvidia.com/gpu ', operator: 'Exists', value: '', effect: '' },
          ],
        },
      },
      MAX,
      'global',
    );
    assert.equal(v.provisioner, 'kubernetes');
    assert.equal(v.image, 'ghcr.io/acme/python:3.11');
    assert.deepEqual(v.placement, {
      nodeSelector: { 'node.kubernetes.io/instance-type': 'm5.xlarge', pool: 'notebooks' },
      tolerations: [
        { key: 'dedicated', operator: 'Equal', value: 'notebooks', effect: 'NoSchedule' },
        { key: 'nvidia.com/gpu', operator: 'Exists' },
      ],
    });
  });

  it('names the bad node selector label and toleration field', () => {
    const selector = fieldsOf({ ...base, placement: { nodeSelector: { 'bad key': 'x' } } });
    assert.match(selector['placement.nodeSelector'], /^“bad key” is not a label key/);
    const value = fieldsOf({ ...base, placement: { nodeSelector: { pool: 'two words' } } });
    assert.match(value['placement.nodeSelector'], /^The value of “pool” is not a label value/);
    const prefix = fieldsOf({ ...base, placement: { nodeSelector: { 'Example.COM/pool': 'a' } } });
    assert.match(prefix['placement.nodeSelector'], /invalid prefix/);

    const t = fieldsOf({
      ...base,
      placement: {
        tolerations: [
          { operator: 'Equal', value: 'x' },
          { key: 'gpu', operator: 'Exists', value: 'yes' },
          { key: 'gpu', operator: 'Maybe' },
          { key: 'gpu', effect: 'NoRun' },
        ],
      },
    });
    assert.equal(t['placement.tolerations.0.key'], 'Enter the taint key (only Exists may leave it empty, to tolerate every taint)');
    assert.equal(t['placement.tolerations.1.value'], 'Leave the value empty with Exists');
    assert.equal(t['placement.tolerations.2.operator'], 'Choose Equal or Exists');
    assert.equal(t['placement.tolerations.3.effect'], 'Choose NoSchedule, PreferNoSchedule or NoExecute');
    // Exists without a key tolerates every taint: valid.
    assert.deepEqual(validateEnvironment({ ...base, placement: { tolerations: [{ operator: 'Exists' }] } }, MAX, 'global').placement.tolerations, [{ operator: 'Exists' }]);
  });

  it('round-trips through the form units', () => {
    const v = validateEnvironment({ ...base, memoryLimitGib: 0.75, memoryRequestGib: 0.5, idleTimeoutMinutes: 15 }, MAX, 'global');
    assert.deepEqual(validateEnvironment(toEnvironmentInput(v), MAX, 'global'), v);
    const spark = { driverCores: 1, driverMemoryGib: 2, executors: 4, executorCores: 1, executorMemoryGib: 1, dynamicAllocation: { minExecutors: 2, maxExecutors: 8 } };
    const placement = { nodeSelector: { pool: 'spark' }, tolerations: [{ key: 'spark', operator: 'Equal' as const, value: 'yes', effect: 'NoSchedule' as const }] };
    const k8s = validateEnvironment({ ...base, provisioner: 'kubernetes', spark, placement }, MAX, 'global');
    assert.deepEqual(validateEnvironment(toEnvironmentInput(k8s), MAX, 'global'), k8s);
  });
});
