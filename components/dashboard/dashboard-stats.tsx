import { isTerminal } from '@/common/kernel-states';
import type { TProjectDashboard } from '@/lib/dashboard/get-project-dashboard';
import { formatCores, formatCu, formatMib } from './format';

/** Headline numbers above the table: what runs, what it holds, what it burns, what it cost. */
export function DashboardStats({ data }: { data: TProjectDashboard }) {
  const running = data.active.filter((k) => !isTerminal(k.state));
  const ended = data.active.length - running.length;
  const held = running.reduce(
    (s, k) => ({ cpuM: s.cpuM + k.environment.reserved.cpuM, memoryMib: s.memoryMib + k.environment.reserved.memoryMib, gpus: s.gpus + k.environment.reserved.gpus }),
    { cpuM: 0, memoryMib: 0, gpus: 0 },
  );
  const burn = running.reduce((s, k) => s + k.environment.computeUnitsPerHour, 0);
  const tiles = [
    { key: 'running', label: 'Running kernels', value: String(running.length), note: ended ? `${ended} ended in the last 24 h` : 'none ended in the last 24 h' },
    { key: 'reserved', label: 'Reserved', value: `${formatCores(held.cpuM)} · ${formatMib(held.memoryMib)}`, note: held.gpus ? `${held.gpus} GPU` : 'no GPUs' },
    { key: 'idle', label: 'Idle but reserved', value: formatMib(data.idle.total.memoryMib), note: `${data.idle.total.kernels} idle kernel${data.idle.total.kernels === 1 ? '' : 's'} · ${formatCores(data.idle.total.cpuM)}` },
    { key: 'burn', label: 'Burn rate', value: `${Math.round(burn * 100) / 100} CU/h`, note: 'while these keep running' },
    { key: 'units', label: 'Last 30 days', value: formatCu(data.daily.total), note: `${data.daily.users.length} user${data.daily.users.length === 1 ? '' : 's'}` },
  ];
  return (
    <div className="grid grid-cols-2 gap-3 sm:grid-cols-3 lg:grid-cols-5">
      {tiles.map((t) => (
        <div key={t.key} className="rounded-lg border border-slate-200 bg-white px-3 py-2.5 shadow-sm" data-testid={`stat-${t.key}`}>
          <div className="text-[11px] font-medium uppercase tracking-wide text-slate-500">{t.label}</div>
          <div className="mt-0.5 truncate text-lg font-semibold tabular-nums text-slate-900">{t.value}</div>
          <div className="truncate text-[11px] text-slate-500">{t.note}</div>
        </div>
      ))}
    </div>
  );
}
