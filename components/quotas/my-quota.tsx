import { Card, CardHeader } from '@/components/ui/card';
import type { TMyQuota } from '@/lib/quotas/get-my-quota';
import { QuotaSummary } from './quota-summary';

/**
 * A user's limits, usage and headroom as a card (the profile page and a project's
 * environments page load it with `getMyQuota`). With a project, also the project's and the
 * in-project limits.
 */
export function MyQuota({ quota }: { quota: TMyQuota }) {
  return (
    <Card>
      <CardHeader
        title="Quota"
        description="What you may run at once, and your compute budget this month (UTC). Kernels count while they run; compute units are metered per second."
      />
      <QuotaSummary quota={quota} />
    </Card>
  );
}
