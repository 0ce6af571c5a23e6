import type { TQuotaLimitName } from '@/common/quota';
import { cn } from '@/components/ui/cn';
import { formatLimitValue } from './format';

/** Share of a limit in use; 0 when unlimited. Used for bar width and for sorting. */
function usageFraction(used: number, max: number | null): number {
  if (max === null) return 0;
  if (max === 0) return used > 0 ? Infinity : 1;
  return used / max;
}

/** The used amount without its unit (the limit beside it carries the unit): memory always in GiB. */
function bareAmount(limit: TQuotaLimitName, value: number): string {
  const round = (v: number, digits: number) => String(Math.round(v * 10 ** digits) / 10 ** digits);
  switch (limit) {
    case 'cpuM':
      return round(value / 1000, 2);
    case 'memoryMib':
      return round(value / 1024, 1);
    case 'monthlyUnits':
      return round(value, value >= 100 ? 0 : 1);
    default:
      return String(value);
  }
}

/** "used / limit" with a bar; ∞ when unlimited. Amber from 70 %, red from 90 %. */
export function UsageBar({ limit, used, max }: { limit: TQuotaLimitName; used: number; max: number | null }) {
  const fraction = usageFraction(used, max);
  const width = max === null || (max === 0 && used === 0) ? 0 : Math.min(100, Math.max(used > 0 ? 2 : 0, Math.round(fraction * 100)));
  const tone = fraction >= 0.9 ? 'bg-red-500' : fraction >= 0.7 ? 'bg-amber-500' : 'bg-indigo-500';
  const usedText = bareAmount(limit, used);
  const maxText = max === null ? '∞' : formatLimitValue(limit, max);
  return (
    <div className="w-28" title={`${formatLimitValue(limit, used)} of ${max === null ? 'unlimited' : maxText}`}>
      <div className="flex items-baseline justify-between gap-1 text-xs tabular-nums">
        <span className="text-slate-900">{usedText}</span>
        <span className="text-slate-500">/ {maxText}</span>
      </div>
      <div className="mt-1 h-1.5 overflow-hidden rounded-full bg-slate-100" role="presentation">
        <div className={cn('h-full rounded-full', tone)} style={{ width: `${width}%` }} />
      </div>
    </div>
  );
}
