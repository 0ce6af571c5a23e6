import type { TEnvironmentSpec } from '../../common/environment';

/**
 * An environment as a launch snapshots it, for tests: a small Python kernel with the
 * provisioner's default command on `kubernetes`. Tests override what they are about.
 */
export function environmentSpec(over: Partial<TEnvironmentSpec> = {}): TEnvironmentSpec {
  return {
    id: 'env',
    slug: 'python-small',
    name: 'Python small',
    language: 'python',
    argv: null,
    image: null,
    cpuRequestM: 100,
    cpuLimitM: 500,
    memoryRequestMib: 128,
    memoryLimitMib: 512,
    gpus: 0,
    spark: null,
    idleTimeoutS: 3600,
    noClientTimeoutS: 600,
    provisioner: 'kubernetes',
    poolSize: 0,
    network: 'egress',
    ...over,
  };
}
