import { Badge } from '@/components/ui/badge';
import { Card, CardHeader } from '@/components/ui/card';
import { DateTime } from '@/components/ui/date-time';
import { EmptyState } from '@/components/ui/empty-state';
import { Table, TBody, Td, Th, Tr } from '@/components/ui/table';
import type { TPooledKernel } from '@/lib/platform/list-pooled-kernels';

/** The warm pools' kernels (admins): started ahead of demand, no one's until a launch claims one. */
export function PooledKernelsCard({ budget, kernels }: { budget: number; kernels: TPooledKernel[] }) {
  return (
    <Card>
      <CardHeader
        title="Warm-pool kernels"
        description={`${kernels.length} of a budget of ${budget} across all templates. They count against no user's quota until a launch claims one; then they are ordinary kernels.`}
      />
      {kernels.length ? (
        <Table>
          <thead>
            <tr>
              <Th>Kernel</Th>
              <Th>Template</Th>
              <Th>State</Th>
              <Th>Started</Th>
              <Th>Gateway</Th>
            </tr>
          </thead>
          <TBody>
            {kernels.map((k) => (
              <Tr key={k.id}>
                <Td data-testid="pooled-kernel">
                  <div className="flex items-center gap-2">
                    <span className="font-mono text-xs">{k.id.slice(0, 8)}</span>
                    <Badge tone="indigo">pooled</Badge>
                  </div>
                </Td>
                <Td>
                  <span className="font-medium text-slate-900">{k.environmentName}</span>
                  <div className="font-mono text-xs text-slate-500">{k.environmentSlug}</div>
                </Td>
                <Td>{k.state}</Td>
                <Td>
                  <DateTime value={k.startedAt} />
                </Td>
                <Td className="font-mono text-xs">{k.gatewayId.slice(0, 8)}</Td>
              </Tr>
            ))}
          </TBody>
        </Table>
      ) : (
        <EmptyState title="No warm-pool kernels" description="Set a pool size on a global template to keep kernels started ahead of demand." />
      )}
    </Card>
  );
}
