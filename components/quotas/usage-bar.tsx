import type { TQuotaLimitName } from '@/common/quota';
import { formatStorageSize } from '@/common/storage-size';
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

/** "used / limit" above a bar. Amber from 70 %, red from 90 %. */
function Meter({ used, max, usedText, maxText, title }: { used: number; max: number | null; usedText: string; maxText: string; title: string }) {
  const fraction = usageFraction(used, max);
  const width = max === null || (max === 0 && used === 0) ? 0 : Math.min(100, Math.max(used > 0 ? 2 : 0, Math.round(fraction * 100)));
  const tone = fraction >= 0.9 ? 'bg-red-500' : fraction >= 0.7 ? 'bg-amber-500' : 'bg-indigo-500';
  return (
    <div className="w-28" title={title}>
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

/** One quota limit's use; ∞ when unlimited. */
export function UsageBar({ limit, used, max }: { limit: TQuotaLimitName; used: number; max: number | null }) {
  const maxText = max === null ? '∞' : formatLimitValue(limit, max);
  return <Meter used={used} max={max} usedText={bareAmount(limit, used)} maxText={maxText} title={`${formatLimitValue(limit, used)} of ${max === null ? 'unlimited' : maxText}`} />;
}

/** A project's file storage against its limit; "counting…" until the first count of its files is done. */
export function StorageBar({ usedBytes, limitBytes, measuredAt }: { usedBytes: number | null; limitBytes: number; measuredAt: string | null }) {
  const maxText = formatStorageSize(limitBytes);
  if (usedBytes === null) return <span className="text-xs text-slate-500" title="The project's files are being counted: reload in a moment.">counting… / {maxText}</span>;
  const usedText = formatStorageSize(usedBytes);
  // The ISO time, not the locale's: the server renders this too, and the browser's locale would differ.
  const counted = measuredAt ? ` (counted ${measuredAt.slice(11, 19)} UTC)` : '';
  return <Meter used={usedBytes} max={limitBytes} usedText={usedText} maxText={maxText} title={`${usedText} of ${maxText} used${counted}`} />;
}
