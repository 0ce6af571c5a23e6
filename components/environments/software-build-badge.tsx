import type { TSoftwareBuildInfo } from '@/common/software';
import { Badge } from '@/components/ui/badge';
import { cn } from '@/components/ui/cn';
import { softwareBuildStatus } from './software-build-labels';

/**
 * A build's state with its step, size or the installer's error. `compact` (tables) shows the
 * error's first lines, all of it on hover; the build log shows it whole.
 */
export function SoftwareBuildBadge({ build, compact = false }: { build: TSoftwareBuildInfo; compact?: boolean }) {
  const { tone, label, detail } = softwareBuildStatus(build);
  return (
    <div className="min-w-0 space-y-0.5" data-testid="software-build" data-state={build.state}>
      <Badge tone={tone}>{label}</Badge>
      {detail && (
        <div
          className={cn('whitespace-pre-wrap break-words text-[11px]', build.state === 'failed' ? 'text-red-700' : 'text-slate-500', compact && 'line-clamp-3')}
          title={compact ? detail : undefined}
          data-testid="software-build-detail"
        >
          {detail}
        </div>
      )}
    </div>
  );
}
