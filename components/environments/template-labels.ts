import { hardwareLabel, type TEnvironmentSpec, type TPlacement, type TSparkSpec } from '@/common/environment';

/** "4 executors", "1 executor", "4 executors (2–8 dynamic)". */
export function executorsLabel(spark: Pick<TSparkSpec, 'executors' | 'dynamicAllocation'>): string {
  const count = `${spark.executors} executor${spark.executors === 1 ? '' : 's'}`;
  const dyn = spark.dynamicAllocation;
  return dyn ? `${count} (${dyn.minExecutors}–${dyn.maxExecutors} dynamic)` : count;
}

/**
 * The hardware part of a template without its name, for tables and pickers:
 * "2 vCPU · 8 GiB · 1 GPU · 4 executors (2–8 dynamic)". (The kernelspec display name keeps
 * the gateway's shorter `hardwareLabel`.)
 */
export function hardwareSummary(env: Pick<TEnvironmentSpec, 'cpuLimitM' | 'memoryLimitMib' | 'gpus' | 'spark'>): string {
  const parts = hardwareLabel({ ...env, name: '', spark: null }).split(' · ').slice(1);
  if (env.spark) parts.push(executorsLabel(env.spark));
  return parts.join(' · ');
}

/** "pool=spark · tolerates dedicated=notebooks:NoSchedule"; empty when pods may go anywhere. */
export function placementLabel(placement: TPlacement | undefined): string {
  if (!placement) return '';
  const selector = Object.entries(placement.nodeSelector).map(([k, v]) => `${k}=${v}`);
  const tolerations = placement.tolerations.map((t) => {
    const what = t.operator === 'Exists' ? (t.key ? `${t.key} (any value)` : 'every taint') : `${t.key}=${t.value ?? ''}`;
    return `tolerates ${what}${t.effect ? `:${t.effect}` : ''}`;
  });
  return [...selector, ...tolerations].join(' · ');
}

/** A node selector as the form's text: one `key=value` per line. */
export function nodeSelectorText(selector: Record<string, string>): string {
  return Object.entries(selector)
    .map(([k, v]) => `${k}=${v}`)
    .join('\n');
}

/**
 * The form's `key=value` lines as a node selector (blank lines skipped, spaces around key
 * and value trimmed), or the first line that is not `key=value` for a message beside the field.
 */
export function parseNodeSelectorText(text: string): { selector: Record<string, string> } | { error: string } {
  const selector: Record<string, string> = {};
  const lines = text.split('\n');
  for (const [i, raw] of lines.entries()) {
    const line = raw.trim();
    if (!line) continue;
    const eq = line.indexOf('=');
    if (eq <= 0) return { error: `Line ${i + 1} (“${line}”): write each label as key=value, e.g. pool=notebooks` };
    const key = line.slice(0, eq).trim();
    if (key in selector) return { error: `Line ${i + 1}: “${key}” is already set above` };
    selector[key] = line.slice(eq + 1).trim();
  }
  return { selector };
}
