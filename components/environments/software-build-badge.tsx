import type { TSoftwareBuildInfo } from '@/common/software';
import { Badge } from '@/components/ui/badge';
import { softwareBuildStatus } from './software-build-labels';

/** A build's state with its step, size or the installer's error (the error wraps; it is what a person fixes). */
export function SoftwareBuildBadge({ build }: { build: TSoftwareBuildInfo }) {
  const { tone, label, detail } = softwareBuildStatus(build);
  return (
    <div className="space-y-0.5" data-testid="software-build" data-state={build.state}>
      <Badge tone={tone}>{label}</Badge>
      {detail && (
        <div className={build.state === 'failed' ? 'whitespace-pre-wrap break-words text-[11px] text-red-700' : 'text-[11px] text-slate-500'} data-testid="software-build-detail">
          {detail}
        </div>
      )}
    </div>
  );
}
