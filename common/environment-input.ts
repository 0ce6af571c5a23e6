import { z } from 'zod';
import { AppError } from './errors';
import { formatMemory, ZNetworkMode, ZProvisionerName, type TEnvironmentSpec, type TPlacement, type TSparkSpec, type TToleration } from './environment';
import { zMultiLineText, zSingleLineText } from './plain-text';
import { ZSoftwareInput } from './software';

/**
 * The environment template as a person types it (forms and the JSON API): CPU in vCPU
 * (fractional cores, e.g. 0.5), memory in GiB (fractional, e.g. 0.5 = 512 MiB), the idle
 * timeout in minutes. `validateEnvironment` turns it into the stored units (millicores, MiB,
 * seconds) and checks what zod alone cannot: limits against requests and platform maximums.
 */

const MAX_CORES = 1024;
const MAX_GIB = 16384;

const cores = (label: string) =>
  z
    .number({ error: `Enter the ${label} in vCPU` })
    .refine(Number.isFinite, `Enter the ${label} in vCPU`)
    .refine((v) => v > 0, `${label[0].toUpperCase()}${label.slice(1)} must be more than 0 vCPU`)
    .refine((v) => v <= 0 || Math.round(v * 1000) >= 1, `${label[0].toUpperCase()}${label.slice(1)} must be at least 0.001 vCPU`)
    .refine((v) => v <= MAX_CORES, `${label[0].toUpperCase()}${label.slice(1)} must be at most ${MAX_CORES} vCPU`);

const gib = (label: string) =>
  z
    .number({ error: `Enter the ${label} in GiB` })
    .refine(Number.isFinite, `Enter the ${label} in GiB`)
    .refine((v) => v > 0, `${label[0].toUpperCase()}${label.slice(1)} must be more than 0 GiB`)
    .refine((v) => v <= 0 || Math.round(v * 1024) >= 1, `${label[0].toUpperCase()}${label.slice(1)} must be at least 1 MiB (0.001 GiB)`)
    .refine((v) => v <= MAX_GIB, `${label[0].toUpperCase()}${label.slice(1)} must be at most ${MAX_GIB} GiB`);

const wholeNumber = (label: string, min: number, max: number) =>
  z
    .number({ error: `Enter the ${label} as a whole number` })
    .int(`Enter the ${label} as a whole number`)
    .min(min, `${label[0].toUpperCase()}${label.slice(1)} must be at least ${min}`)
    .max(max, `${label[0].toUpperCase()}${label.slice(1)} must be at most ${max}`);

/** Spark scales between these; `executors` is then the initial count (checked in `validateEnvironment`). */
export const ZDynamicAllocationInput = z.object({
  minExecutors: wholeNumber('minimum executors', 0, 1000),
  maxExecutors: wholeNumber('maximum executors', 1, 1000),
});

export const ZSparkInput = z.object({
  driverCores: cores('driver CPU'),
  driverMemoryGib: gib('driver memory'),
  executors: wholeNumber('number of executors', 0, 1000),
  executorCores: cores('executor CPU'),
  executorMemoryGib: gib('executor memory'),
  dynamicAllocation: ZDynamicAllocationInput.nullish().transform((d) => d ?? null),
});
export type TSparkInput = z.infer<typeof ZSparkInput>;

// Kubernetes label syntax (apimachinery validation): a name segment, optionally after a DNS-subdomain prefix and `/`.
const LABEL_NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** Why `key` is not a Kubernetes label key, or null when it is one. */
function labelKeyProblem(key: string): string | null {
  const slash = key.lastIndexOf('/');
  const prefix = slash >= 0 ? key.slice(0, slash) : null;
  const name = key.slice(slash + 1);
  if (prefix !== null && (prefix.length > 253 || !DNS_SUBDOMAIN.test(prefix))) return `“${key}” has an invalid prefix: use a DNS name such as example.com/`;
  if (name.length === 0 || name.length > 63 || !LABEL_NAME.test(name)) {
    return `“${key}” is not a label key: up to 63 letters, digits, - _ . starting and ending with a letter or digit`;
  }
  return null;
}

const labelValueProblem = (key: string, value: string): string | null =>
  value === '' || (value.length <= 63 && LABEL_NAME.test(value))
    ? null
    : `The value of “${key}” is not a label value: up to 63 letters, digits, - _ . starting and ending with a letter or digit`;

/** Empty text = absent, so a form's blank toleration fields mean "any". */
const blankToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : typeof v === 'string' ? v.trim() : v);

const ZTolerationInput = z
  .object({
    key: z.preprocess(blankToUndefined, z.string().optional()),
    operator: z.enum(['Equal', 'Exists'], { error: 'Choose Equal or Exists' }).default('Equal'),
    value: z.preprocess(blankToUndefined, z.string().optional()),
    effect: z.preprocess(blankToUndefined, z.enum(['NoSchedule', 'PreferNoSchedule', 'NoExecute'], { error: 'Choose NoSchedule, PreferNoSchedule or NoExecute' }).optional()),
  })
  .superRefine((t, ctx) => {
    if (t.key !== undefined) {
      const problem = labelKeyProblem(t.key);
      if (problem) ctx.addIssue({ code: 'custom', path: ['key'], message: problem });
    } else if (t.operator === 'Equal') {
      ctx.addIssue({ code: 'custom', path: ['key'], message: 'Enter the taint key (only Exists may leave it empty, to tolerate every taint)' });
    }
    if (t.operator === 'Exists' && t.value !== undefined) ctx.addIssue({ code: 'custom', path: ['value'], message: 'Leave the value empty with Exists' });
    if (t.value !== undefined && t.key !== undefined) {
      const problem = labelValueProblem(t.key, t.value);
      if (problem) ctx.addIssue({ code: 'custom', path: ['value'], message: problem });
    }
  })
  // Stored as JSON without the fields left blank, as a pod spec would be written.
  .transform(
    (t): TToleration => ({
      ...(t.key !== undefined && { key: t.key }),
      operator: t.operator,
      ...(t.value !== undefined && { value: t.value }),
      ...(t.effect !== undefined && { effect: t.effect }),
    }),
  );

/** Where the kubernetes provisioner may place pods; absent = anywhere. */
export const ZPlacementInput = z
  .object({
    nodeSelector: z
      .record(z.string(), z.string({ error: 'Each node selector needs a value' }))
      .default({})
      .superRefine((selector, ctx) => {
        if (Object.keys(selector).length > 20) ctx.addIssue({ code: 'custom', message: 'Use at most 20 node selector labels' });
        for (const [key, value] of Object.entries(selector)) {
          const problem = labelKeyProblem(key) ?? labelValueProblem(key, value);
          if (problem) return ctx.addIssue({ code: 'custom', message: problem });
        }
      }),
    tolerations: z.array(ZTolerationInput).max(20, 'Use at most 20 tolerations').default([]),
  })
  .nullish()
  .transform((p): TPlacement => p ?? { nodeSelector: {}, tolerations: [] });

const optionalText = (max: number, message: string) =>
  z
    .string()
    .trim()
    .max(max, message)
    .nullish()
    .transform((v) => (v ? v : null));

export const ZEnvironmentInput = z.object({
  name: zSingleLineText({ error: 'Enter a name' }).trim().min(1, 'Enter a name').max(80, 'Use at most 80 characters'),
  description: zMultiLineText().trim().max(2000, 'Use at most 2000 characters').default(''),
  language: z
    .string({ error: 'Enter the kernel language' })
    .trim()
    .min(1, 'Enter the kernel language, e.g. python')
    .max(40, 'Use at most 40 characters')
    .regex(/^[A-Za-z0-9_.+#-]+$/, 'Use letters, digits and . _ + # - only, e.g. python'),
  /** The kernel command; must pass the connection file as `{connection_file}`. Null/empty = ipykernel. */
  argv: z
    .array(z.string().max(1000, 'Each argument may have at most 1000 characters'))
    .max(64, 'Use at most 64 arguments')
    .nullish()
    .transform((a) => (a && a.some((s) => s.trim()) ? a.filter((s) => s.length > 0) : null))
    .refine((a) => a === null || a.some((s) => s.includes('{connection_file}')), 'The command must include {connection_file}'),
  /** Container image for the kubernetes provisioner; null = the gateway's default kernel image. */
  image: optionalText(500, 'Use at most 500 characters').refine(
    (v) => v === null || /^[a-z0-9][a-z0-9._\-/:@]*$/i.test(v),
    'Enter an image reference such as ghcr.io/org/python:3.11',
  ),
  cpuRequest: cores('CPU request'),
  cpuLimit: cores('CPU limit'),
  memoryRequestGib: gib('memory request'),
  memoryLimitGib: gib('memory limit'),
  gpus: wholeNumber('number of GPUs', 0, 64).default(0),
  idleTimeoutMinutes: wholeNumber('idle timeout in minutes', 1, 10080).default(60),
  noClientTimeoutMinutes: wholeNumber('no-client timeout in minutes', 1, 10080).default(10),
  provisioner: ZProvisionerName.default('local'),
  spark: ZSparkInput.nullish().transform((s) => s ?? null),
  placement: ZPlacementInput,
  poolSize: wholeNumber('warm-pool size', 0, 50).default(0),
  /** What the kernel may reach besides its own sockets; absent = `egress`. */
  network: z
    .enum(ZNetworkMode.options, { error: 'Choose the network: none (no network) or egress (internet, never this host’s services)' })
    .default('egress'),
  /** A project template's kernel: a global template's id (its argv, image, language); null = the default ipykernel. */
  baseEnvironmentId: z
    .string({ error: 'Choose a kernel from the global environments' })
    .uuid('Choose a kernel from the global environments')
    .nullish()
    .transform((v) => v ?? null),
  /** Python version and packages; absent = the platform's default environment. */
  software: ZSoftwareInput.default({ pythonVersion: null, packages: '' }),
});
export type TEnvironmentInput = z.input<typeof ZEnvironmentInput>;

/** Admin-set ceilings for any one template (the `platform_settings` row), in stored units. */
export interface TPlatformMaximums {
  maxCpuM: number;
  maxMemoryMib: number;
  maxGpus: number;
  maxExecutors: number;
  /** Warm-pool kernels started at once across all environments (the platform pool budget). */
  poolBudget: number;
  /** Non-archived templates one project may have. */
  maxEnvironmentsPerProject: number;
  /** Opening a notebook starts no kernel; its first run does (false: opening starts one). */
  kernelStartsOnRun: boolean;
}

/**
 * Where a template lives: `global` (admins') defines what runs — kernel command, image, warm
 * pool; `project` (owners') only sizes a kernel that a global template defines (DESIGN §6).
 */
export type TEnvironmentScope = 'global' | 'project';

/** The `environments` row values a valid input becomes (everything but identity and status). */
export type TEnvironmentValues = Omit<TEnvironmentSpec, 'id' | 'slug' | 'placement' | 'software'> & {
  description: string;
  pythonVersion: string | null;
  packages: string;
  placement: TPlacement;
  baseEnvironmentId: string | null;
};

const toM = (v: number) => Math.round(v * 1000);
const toMib = (v: number) => Math.round(v * 1024);
const vcpu = (m: number) => `${Math.round(m) / 1000} vCPU`;

/**
 * Parses and checks a template: per-field messages for every problem at once, in the
 * words the form shows beside the field. Throws `AppError('BAD_REQUEST', …, fields)`.
 * Used by the web's create/update functions and by the form in the browser. In a `project`
 * template a kernel command, an image or a pool is refused, never silently dropped, so an
 * API caller learns the rule; that `baseEnvironmentId` names a live global template is checked
 * by the caller (it needs the database).
 */
export function validateEnvironment(input: unknown, max: TPlatformMaximums, scope: TEnvironmentScope): TEnvironmentValues {
  const parsed = ZEnvironmentInput.safeParse(input);
  if (!parsed.success) {
    const fields: Record<string, string> = {};
    for (const issue of parsed.error.issues) fields[issue.path.map(String).join('.') || '_'] ??= issue.message;
    throw invalid(fields);
  }
  const d = parsed.data;
  const fields: Record<string, string> = {};
  const ceiling = (field: string, label: string, value: number, maxValue: number, fmt: (n: number) => string) => {
    if (value > maxValue) fields[field] ??= `${label} is above the platform maximum of ${fmt(maxValue)}`;
  };
  const values: TEnvironmentValues = {
    name: d.name,
    description: d.description,
    language: d.language,
    argv: d.argv,
    image: d.image,
    cpuRequestM: toM(d.cpuRequest),
    cpuLimitM: toM(d.cpuLimit),
    memoryRequestMib: toMib(d.memoryRequestGib),
    memoryLimitMib: toMib(d.memoryLimitGib),
    gpus: d.gpus,
    idleTimeoutS: d.idleTimeoutMinutes * 60,
    noClientTimeoutS: d.noClientTimeoutMinutes * 60,
    provisioner: d.provisioner,
    poolSize: d.poolSize,
    network: d.network,
    spark: d.spark ? toSparkSpec(d.spark) : null,
    placement: d.placement,
    baseEnvironmentId: d.baseEnvironmentId,
    pythonVersion: d.software.pythonVersion,
    packages: d.software.packages,
  };
  if (scope === 'project') {
    if (values.argv) fields.argv = 'Only administrators set kernel commands, in global environments; choose a kernel from one instead';
    if (values.image) fields.image = 'Only administrators set container images, in global environments; choose a kernel from one instead';
    if (values.poolSize > 0) fields.poolSize = 'Warm pools are configured by administrators, on global environments only; set 0';
  } else if (values.baseEnvironmentId) {
    fields.baseEnvironmentId = 'A global environment defines its own kernel; leave this empty';
  }
  if (values.cpuLimitM < values.cpuRequestM) fields.cpuLimit = `CPU limit must not be below the CPU request (${vcpu(values.cpuRequestM)})`;
  if (values.memoryLimitMib < values.memoryRequestMib) {
    fields.memoryLimitGib = `Memory limit must not be below the memory request (${formatMemory(values.memoryRequestMib)})`;
  }
  ceiling('cpuRequest', 'CPU request', values.cpuRequestM, max.maxCpuM, vcpu);
  ceiling('cpuLimit', 'CPU limit', values.cpuLimitM, max.maxCpuM, vcpu);
  ceiling('memoryRequestGib', 'Memory request', values.memoryRequestMib, max.maxMemoryMib, formatMemory);
  ceiling('memoryLimitGib', 'Memory limit', values.memoryLimitMib, max.maxMemoryMib, formatMemory);
  ceiling('gpus', 'Number of GPUs', values.gpus, max.maxGpus, String);
  // A pod's namespace is its project's, unknown until a notebook claims the kernel.
  if (values.poolSize > 0 && values.provisioner !== 'local') fields.poolSize = 'Warm pools are for local kernels only; set 0 for Kubernetes';
  if (values.spark) {
    const s = values.spark;
    ceiling('spark.driverCores', 'Driver CPU', toM(s.driverCores), max.maxCpuM, vcpu);
    ceiling('spark.driverMemoryGib', 'Driver memory', s.driverMemoryMib, max.maxMemoryMib, formatMemory);
    ceiling('spark.executors', 'Number of executors', s.executors, max.maxExecutors, String);
    ceiling('spark.executorCores', 'Executor CPU', toM(s.executorCores), max.maxCpuM, vcpu);
    ceiling('spark.executorMemoryGib', 'Executor memory', s.executorMemoryMib, max.maxMemoryMib, formatMemory);
    const dyn = s.dynamicAllocation;
    if (dyn) {
      if (dyn.minExecutors > s.executors) {
        fields['spark.dynamicAllocation.minExecutors'] = `Minimum executors must not be above the initial executors (${s.executors})`;
      }
      if (dyn.maxExecutors < s.executors) {
        fields['spark.dynamicAllocation.maxExecutors'] = `Maximum executors must not be below the initial executors (${s.executors})`;
      }
      ceiling('spark.dynamicAllocation.maxExecutors', 'Maximum executors', dyn.maxExecutors, max.maxExecutors, String);
    }
  }
  if (Object.keys(fields).length) throw invalid(fields);
  return values;
}

function toSparkSpec(s: TSparkInput): TSparkSpec {
  return {
    driverCores: toM(s.driverCores) / 1000,
    driverMemoryMib: toMib(s.driverMemoryGib),
    executors: s.executors,
    executorCores: toM(s.executorCores) / 1000,
    executorMemoryMib: toMib(s.executorMemoryGib),
    dynamicAllocation: s.dynamicAllocation,
  };
}

function invalid(fields: Record<string, string>): AppError {
  const summary = Object.entries(fields)
    .map(([k, m]) => (k === '_' ? m : `${k}: ${m}`))
    .join('; ');
  return new AppError('BAD_REQUEST', `Invalid environment: ${summary}`, fields);
}

const round3 = (v: number) => Math.round(v * 1000) / 1000;

/** A stored template back in the form's units, to prefill the edit form. */
export function toEnvironmentInput(v: TEnvironmentValues): z.output<typeof ZEnvironmentInput> {
  return {
    name: v.name,
    description: v.description,
    language: v.language,
    argv: v.argv,
    image: v.image,
    cpuRequest: v.cpuRequestM / 1000,
    cpuLimit: v.cpuLimitM / 1000,
    memoryRequestGib: round3(v.memoryRequestMib / 1024),
    memoryLimitGib: round3(v.memoryLimitMib / 1024),
    gpus: v.gpus,
    idleTimeoutMinutes: Math.max(1, Math.round(v.idleTimeoutS / 60)),
    noClientTimeoutMinutes: Math.max(1, Math.round(v.noClientTimeoutS / 60)),
    provisioner: v.provisioner,
    poolSize: v.poolSize,
    network: v.network,
    spark: v.spark
      ? {
          driverCores: v.spark.driverCores,
          driverMemoryGib: round3(v.spark.driverMemoryMib / 1024),
          executors: v.spark.executors,
          executorCores: v.spark.executorCores,
          executorMemoryGib: round3(v.spark.executorMemoryMib / 1024),
          dynamicAllocation: v.spark.dynamicAllocation ?? null,
        }
      : null,
    placement: v.placement ?? { nodeSelector: {}, tolerations: [] },
    baseEnvironmentId: v.baseEnvironmentId ?? null,
    software: { pythonVersion: v.pythonVersion ?? null, packages: v.packages ?? '' },
  };
}

/** Platform maximums as an admin types them: vCPU, GiB, counts. The last two, when absent, stay as they are. */
export const ZPlatformMaximumsInput = z.object({
  maxCpu: cores('maximum CPU'),
  maxMemoryGib: gib('maximum memory'),
  maxGpus: wholeNumber('maximum number of GPUs', 0, 64),
  maxExecutors: wholeNumber('maximum number of executors', 0, 1000),
  poolBudget: wholeNumber('pool budget', 0, 1000).optional(),
  maxEnvironmentsPerProject: wholeNumber('maximum environments per project', 1, 10000).optional(),
  kernelStartsOnRun: z.boolean({ error: 'Say whether kernels start on the first run (true or false)' }).optional(),
});
export type TPlatformMaximumsInput = z.input<typeof ZPlatformMaximumsInput>;

export function toPlatformMaximums(input: z.output<typeof ZPlatformMaximumsInput>): Partial<TPlatformMaximums> {
  return {
    maxCpuM: toM(input.maxCpu),
    maxMemoryMib: toMib(input.maxMemoryGib),
    maxGpus: input.maxGpus,
    maxExecutors: input.maxExecutors,
    ...(input.poolBudget !== undefined && { poolBudget: input.poolBudget }),
    ...(input.maxEnvironmentsPerProject !== undefined && { maxEnvironmentsPerProject: input.maxEnvironmentsPerProject }),
    ...(input.kernelStartsOnRun !== undefined && { kernelStartsOnRun: input.kernelStartsOnRun }),
  };
}
