import type { TQuotaLimits } from '@/common/quota';
import { toQuotaLimitsInput, ZQuotaLimitsInput, type TQuotaLimitsInput } from '@/lib/quotas/quota-limits-input';

/** The five limit inputs as typed: empty string = unlimited. */
export type TLimitsDraft = Record<keyof TQuotaLimitsInput, string>;

export const DRAFT_KEYS: ReadonlyArray<keyof TQuotaLimitsInput> = ['cpu', 'memoryGib', 'gpus', 'kernels', 'monthlyUnits'];

export const EMPTY_DRAFT: TLimitsDraft = { cpu: '', memoryGib: '', gpus: '', kernels: '', monthlyUnits: '' };

export function draftOf(limits: TQuotaLimits | null): TLimitsDraft {
  if (!limits) return { ...EMPTY_DRAFT };
  const input = toQuotaLimitsInput(limits);
  return Object.fromEntries(DRAFT_KEYS.map((k) => [k, input[k] === null ? '' : String(input[k])])) as TLimitsDraft;
}

/**
 * Parses a draft with the same rules as the server. Returns the API body's `limits` or the
 * per-field messages keyed like the server's (`limits.cpu`, …).
 */
export function parseDraft(draft: TLimitsDraft): { limits: TQuotaLimitsInput } | { errors: Record<string, string> } {
  const raw = Object.fromEntries(DRAFT_KEYS.map((k) => [k, draft[k].trim() === '' ? null : Number(draft[k])]));
  const parsed = ZQuotaLimitsInput.safeParse(raw);
  if (parsed.success) return { limits: parsed.data };
  const errors: Record<string, string> = {};
  for (const issue of parsed.error.issues) errors[`limits.${String(issue.path[0])}`] ??= issue.message;
  return { errors };
}
