import { toEnvironmentInput, validateEnvironment, type TEnvironmentScope, type TEnvironmentValues, type TPlatformMaximums } from '@/common/environment-input';
import { isAppError } from '@/common/errors';
import { joinCommand, splitCommand } from './command-line';
import { nodeSelectorText, parseNodeSelectorText } from './template-labels';

export const NUMBER_FIELDS = ['cpuRequest', 'cpuLimit', 'memoryRequestGib', 'memoryLimitGib', 'gpus', 'idleTimeoutMinutes', 'noClientTimeoutMinutes', 'poolSize'] as const;
export const SPARK_FIELDS = ['driverCores', 'driverMemoryGib', 'executors', 'executorCores', 'executorMemoryGib'] as const;
export const DYNAMIC_FIELDS = ['minExecutors', 'maxExecutors'] as const;

/** One toleration row as typed; blank key/value/effect mean "none" (see `ZPlacementInput`). */
export interface TTolerationDraft {
  key: string;
  operator: 'Equal' | 'Exists';
  value: string;
  effect: '' | 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';
}

type TTextField = (typeof NUMBER_FIELDS)[number] | (typeof SPARK_FIELDS)[number] | (typeof DYNAMIC_FIELDS)[number];

/** The template form's state: every control's text as typed. */
export type TEnvironmentDraft = Record<TTextField | 'name' | 'description' | 'language' | 'command' | 'image' | 'provisioner' | 'network' | 'nodeSelector' | 'baseEnvironmentId' | 'pythonVersion' | 'packages', string> & {
  sparkOn: boolean;
  dynamicOn: boolean;
  tolerations: TTolerationDraft[];
};

const NEW_TEMPLATE = {
  name: '',
  description: '',
  language: 'python',
  argv: null,
  image: null,
  cpuRequest: 0.5,
  cpuLimit: 1,
  memoryRequestGib: 1,
  memoryLimitGib: 2,
  gpus: 0,
  idleTimeoutMinutes: 60,
  noClientTimeoutMinutes: 10,
  provisioner: 'local' as const,
  poolSize: 0,
  network: 'egress' as const,
  spark: null,
  placement: { nodeSelector: {}, tolerations: [] },
  baseEnvironmentId: null,
  software: { pythonVersion: null, packages: '' },
};
const NEW_SPARK = { driverCores: 1, driverMemoryGib: 2, executors: 2, executorCores: 1, executorMemoryGib: 2, dynamicAllocation: null };

/**
 * The form's starting state: a stored template, or sensible defaults for a new one. A project
 * template starts without a kernel command, image or pool (a row from before only admins could
 * set them is cleaned on its next save; the gateway never used them).
 */
export function draftOf(env: TEnvironmentValues | null, scope: TEnvironmentScope = 'global'): TEnvironmentDraft {
  const input = env ? toEnvironmentInput(env) : NEW_TEMPLATE;
  const spark = input.spark ?? NEW_SPARK;
  const dyn = spark.dynamicAllocation ?? { minExecutors: Math.min(1, spark.executors), maxExecutors: Math.max(spark.executors, 1) * 2 };
  return {
    name: input.name,
    description: input.description,
    language: input.language,
    command: input.argv ? joinCommand(input.argv) : '',
    image: input.image ?? '',
    baseEnvironmentId: input.baseEnvironmentId ?? '',
    provisioner: input.provisioner,
    network: input.network,
    pythonVersion: input.software.pythonVersion ?? '',
    packages: input.software.packages,
    sparkOn: input.spark !== null,
    dynamicOn: spark.dynamicAllocation != null,
    nodeSelector: nodeSelectorText(input.placement.nodeSelector),
    tolerations: input.placement.tolerations.map((t) => ({ key: t.key ?? '', operator: t.operator, value: t.value ?? '', effect: t.effect ?? '' })),
    ...(Object.fromEntries(NUMBER_FIELDS.map((k) => [k, String(input[k])])) as Record<(typeof NUMBER_FIELDS)[number], string>),
    ...(Object.fromEntries(SPARK_FIELDS.map((k) => [k, String(spark[k])])) as Record<(typeof SPARK_FIELDS)[number], string>),
    minExecutors: String(dyn.minExecutors),
    maxExecutors: String(dyn.maxExecutors),
    ...(scope === 'project' && { command: '', image: '', poolSize: '0' }),
  };
}

const num = (v: string) => (v.trim() === '' ? undefined : Number(v));

/** The JSON body the API takes (see `ZEnvironmentInput`); a node selector that is not `key=value` lines is left empty here. */
export function bodyOf(d: TEnvironmentDraft) {
  const selector = parseNodeSelectorText(d.nodeSelector);
  return {
    name: d.name,
    description: d.description,
    language: d.language,
    argv: d.command.trim() ? splitCommand(d.command) : null,
    image: d.image.trim() || null,
    baseEnvironmentId: d.baseEnvironmentId || null,
    provisioner: d.provisioner,
    network: d.network,
    // On Kubernetes the base is the kernel image: a Python version chosen before switching is not sent.
    software: { pythonVersion: d.provisioner === 'kubernetes' ? null : d.pythonVersion || null, packages: d.packages },
    ...Object.fromEntries(NUMBER_FIELDS.map((k) => [k, num(d[k])])),
    spark: d.sparkOn
      ? {
          ...Object.fromEntries(SPARK_FIELDS.map((k) => [k, num(d[k])])),
          dynamicAllocation: d.dynamicOn ? { minExecutors: num(d.minExecutors), maxExecutors: num(d.maxExecutors) } : null,
        }
      : null,
    placement: { nodeSelector: 'selector' in selector ? selector.selector : {}, tolerations: d.tolerations },
  };
}

/**
 * Checks a draft with the server's rules plus the form's own (node selector lines):
 * the stored values, or every field's message.
 */
export function checkDraft(d: TEnvironmentDraft, maximums: TPlatformMaximums, scope: TEnvironmentScope): { values: TEnvironmentValues; errors: null } | { values: null; errors: Record<string, string> } {
  const selector = parseNodeSelectorText(d.nodeSelector);
  const own: Record<string, string> = 'error' in selector ? { 'placement.nodeSelector': selector.error } : {};
  try {
    const values = validateEnvironment(bodyOf(d), maximums, scope);
    return Object.keys(own).length ? { values: null, errors: own } : { values, errors: null };
  } catch (err) {
    if (!isAppError(err)) throw err;
    return { values: null, errors: { ...(err.fields ?? {}), ...own } };
  }
}
