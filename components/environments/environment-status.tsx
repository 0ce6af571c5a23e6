import { Badge } from '@/components/ui/badge';
import type { TEnvironmentSummary } from '@/lib/environments/environment-summary';

export function EnvironmentStatus({ env }: { env: TEnvironmentSummary }) {
  if (env.archivedAt) return <Badge tone="gray">Archived</Badge>;
  if (env.isDefault) return <Badge tone="indigo">Default</Badge>;
  return <Badge tone="green">Active</Badge>;
}
