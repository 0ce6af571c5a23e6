import type { TIdleReserved } from '@/lib/dashboard/get-idle-reserved';
import { formatAgo, formatCores, formatMib } from './format';

/**
 * "Idle but reserved": what kernels sitting idle hold (full limits, as quotas count them),
 * how much of everything reserved that is, and whose they are.
 */
export function IdleReservedPanel({ idle, reserved, now }: {
  idle: TIdleReserved;
  /** Everything active kernels of the project hold, for the idle share. */
  reserved: { cpuM: number; memoryMib: number };
  now: number;
}) {
  const share = reserved.memoryMib > 0 ? idle.total.memoryMib / reserved.memoryMib : 0;
  return (
    <div data-testid="idle-reserved">
      <div className="grid grid-cols-3 gap-2 text-center">
        {[
          { label: 'Idle kernels', value: String(idle.total.kernels) },
          { label: 'CPU held', value: formatCores(idle.total.cpuM) },
          { label: 'Memory held', value: formatMib(idle.total.memoryMib) },
        ].map((s) => (
          <div key={s.label} className="rounded-md bg-slate-50 px-2 py-2">
            <div className="text-base font-semibold tabular-nums text-slate-900">{s.value}</div>
            <div className="text-[11px] text-slate-500">{s.label}</div>
          </div>
        ))}
      </div>
      <div className="mt-3">
        <div className="flex justify-between text-[11px] text-slate-500">
          <span>Share of reserved memory that is idle</span>
          <span className="tabular-nums">{Math.round(share * 100)} %</span>
        </div>
        <div className="mt-1 h-1.5 overflow-hidden rounded-full bg-slate-100">
          <div className="h-full rounded-full bg-amber-400" style={{ width: `${Math.min(100, Math.round(share * 100))}%` }} />
        </div>
        <p className="mt-1.5 text-[11px] text-slate-500">
          {idle.total.kernels === 0
            ? 'No kernel is idle right now.'
            : `Idle kernels cost ${Math.round(idle.total.unitsPerHour * 100) / 100} CU/h while they wait${idle.total.gpus ? ` and hold ${idle.total.gpus} GPU` : ''}.`}
        </p>
      </div>
      {idle.users.length > 0 && (
        <table className="mt-3 w-full text-xs">
          <thead>
            <tr className="text-left text-[11px] uppercase tracking-wide text-slate-500">
              <th className="py-1 font-semibold">User</th>
              <th className="py-1 text-right font-semibold">Kernels</th>
              <th className="py-1 text-right font-semibold">CPU</th>
              <th className="py-1 text-right font-semibold">Memory</th>
              <th className="py-1 text-right font-semibold">Idle since</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {idle.users.map((u) => (
              <tr key={u.userId} data-testid="idle-user">
                <td className="max-w-[8rem] truncate py-1 text-slate-800" title={u.email}>
                  {u.name}
                </td>
                <td className="py-1 text-right tabular-nums">{u.kernels}</td>
                <td className="py-1 text-right tabular-nums">{formatCores(u.cpuM)}</td>
                <td className="py-1 text-right tabular-nums">{formatMib(u.memoryMib)}</td>
                <td className="py-1 text-right text-slate-500" title={u.idleSince} suppressHydrationWarning>
                  {formatAgo(u.idleSince, now)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
