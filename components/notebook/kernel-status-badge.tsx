import type { TLaunchProgressInfo } from '@/common/kernel-model';
import { currentStepLabel } from '@/components/kernels/launch-progress';
import type { TKernelStatus } from './kernel-session';

const LOOK: Record<TKernelStatus, { label: string; dot: string; text: string }> = {
  'no-kernel': { label: 'No kernel', dot: 'bg-slate-300', text: 'text-slate-500' },
  connecting: { label: 'Connecting', dot: 'bg-sky-400 animate-pulse', text: 'text-sky-700' },
  starting: { label: 'Starting', dot: 'bg-amber-400 animate-pulse', text: 'text-amber-700' },
  idle: { label: 'Idle', dot: 'bg-emerald-500', text: 'text-emerald-700' },
  busy: { label: 'Busy', dot: 'bg-indigo-500 animate-pulse', text: 'text-indigo-700' },
  restarting: { label: 'Restarting', dot: 'bg-amber-400 animate-pulse', text: 'text-amber-700' },
  dead: { label: 'Dead', dot: 'bg-red-500', text: 'text-red-700' },
  disconnected: { label: 'Disconnected', dot: 'bg-slate-400', text: 'text-slate-600' },
  'gateway-restarting': { label: 'Gateway restarting…', dot: 'bg-amber-400 animate-pulse', text: 'text-amber-700' },
};

/** The kernel's state, always visible in the notebook header; while it launches, the step it is at. */
export function KernelStatusBadge({
  status,
  environment,
  progress = null,
  startsOnRun = false,
}: {
  status: TKernelStatus;
  environment: string | null;
  progress?: TLaunchProgressInfo | null;
  /** The user's next run starts a kernel: "No kernel" says so (nothing runs, nothing costs, until then). */
  startsOnRun?: boolean;
}) {
  const look = status === 'no-kernel' && startsOnRun ? { ...LOOK[status], label: 'No kernel · starts on Run' } : LOOK[status];
  const step = progress && (status === 'starting' || status === 'connecting') ? currentStepLabel(progress) : null;
  return (
    <div
      className="flex min-w-0 items-center gap-2 rounded-md border border-slate-200 bg-white px-2.5 py-1 text-xs shadow-sm"
      role="status"
      aria-live="polite"
      data-testid="kernel-status"
      data-status={status}
      title={environment ?? undefined}
    >
      <span className="min-w-0 max-w-[20rem] truncate text-slate-600">{environment ?? 'Kernel'}</span>
      <span className="h-3 w-px bg-slate-200" aria-hidden />
      <span className={`flex items-center gap-1.5 font-medium ${look.text}`}>
        <span className={`h-2 w-2 rounded-full ${look.dot}`} aria-hidden />
        {look.label}
        {step && <span className="font-normal text-slate-600" data-testid="kernel-launch-step">· {step}</span>}
      </span>
    </div>
  );
}
