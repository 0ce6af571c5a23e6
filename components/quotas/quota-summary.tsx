import type { TQuotaScope } from '@/common/quota';
import type { TMyQuota } from '@/lib/quotas/get-my-quota';
import { formatLimitValue, LIMIT_COLUMNS } from './format';
import { UsageBar } from './usage-bar';

const SCOPE_TITLE: Record<TQuotaScope, string> = {
  user: 'Your quota (all projects)',
  project: 'This project',
  project_user: 'You in this project',
};

/** Limits, usage and headroom per scope — for the profile page and the environment picker. */
export function QuotaSummary({ quota, compact = false }: { quota: TMyQuota; compact?: boolean }) {
  return (
    <div className={compact ? 'space-y-3' : 'divide-y divide-slate-100'}>
      {quota.scopes.map((s) => (
        <div key={s.scope} className={compact ? undefined : 'px-4 py-3'}>
          <div className="mb-2 flex items-baseline justify-between gap-2">
            <h3 className="text-xs font-semibold uppercase tracking-wide text-slate-500">{SCOPE_TITLE[s.scope]}</h3>
            <span className="text-xs text-slate-400">{s.source === 'explicit' ? 'set by an administrator' : s.source === 'default' ? 'platform default' : 'no limits set'}</span>
          </div>
          <dl className="grid grid-cols-2 gap-x-6 gap-y-3 sm:grid-cols-5">
            {LIMIT_COLUMNS.map((c) => (
              <div key={c.limit}>
                <dt className="mb-1 text-xs font-medium text-slate-700">{c.label}</dt>
                <dd>
                  <UsageBar limit={c.limit} used={s.usage[c.limit]} max={s.limits[c.limit]} />
                  <p className="mt-1 text-[11px] text-slate-500">{left(c.limit, s.headroom[c.limit])}</p>
                </dd>
              </div>
            ))}
          </dl>
        </div>
      ))}
    </div>
  );
}

function left(limit: (typeof LIMIT_COLUMNS)[number]['limit'], headroom: number | null): string {
  if (headroom === null) return 'unlimited';
  if (limit === 'monthlyUnits') return `${formatLimitValue(limit, headroom)} left this month`;
  return `${formatLimitValue(limit, headroom)} free`;
}
