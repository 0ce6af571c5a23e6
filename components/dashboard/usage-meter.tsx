import { cn } from '@/components/ui/cn';

/**
 * Live use of one resource against its limit: "0.64 / 1 vCPU" over a thin bar, amber from
 * 70 %, red from 90 %. Without a sample yet: a dash.
 */
export function UsageMeter({ used, limit, format, unit, stale, label }: {
  used: number | null;
  limit: number;
  format: (v: number) => string;
  unit: string;
  /** The sample is old (the provisioner stopped reporting): drawn greyed. */
  stale?: boolean;
  label: string;
}) {
  if (used === null) {
    return (
      <span className="text-xs text-slate-400" title={`No ${label.toLowerCase()} sample yet`}>
        —
      </span>
    );
  }
  const fraction = limit > 0 ? used / limit : 0;
  const width = Math.min(100, Math.max(used > 0 ? 3 : 0, Math.round(fraction * 100)));
  const tone = stale ? 'bg-slate-300' : fraction >= 0.9 ? 'bg-red-500' : fraction >= 0.7 ? 'bg-amber-500' : 'bg-indigo-500';
  return (
    <div className="w-24" title={`${label}: ${format(used)} ${unit} of ${format(limit)} ${unit} (${Math.round(fraction * 100)} %)${stale ? ' — sample is old' : ''}`}>
      <div className="flex items-baseline justify-between gap-1 text-[11px] tabular-nums">
        <span className={stale ? 'text-slate-400' : 'text-slate-900'}>{format(used)}</span>
        <span className="text-slate-400">
          / {format(limit)} {unit}
        </span>
      </div>
      <div className="mt-0.5 h-1 overflow-hidden rounded-full bg-slate-100" role="meter" aria-label={label} aria-valuemin={0} aria-valuemax={limit} aria-valuenow={used}>
        <div className={cn('h-full rounded-full transition-[width] duration-500', tone)} style={{ width: `${width}%` }} />
      </div>
    </div>
  );
}
