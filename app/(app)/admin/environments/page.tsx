import type { Metadata } from 'next';
import { PooledKernelsCard } from '@/components/admin/pooled-kernels-card';
import { EnvironmentsManager } from '@/components/environments/environments-manager';
import { RATE_FORMULA } from '@/components/environments/format-rate';
import { PlatformMaximumsForm } from '@/components/environments/platform-maximums-form';
import { PageContainer } from '@/components/ui/page-container';
import { PageHeader } from '@/components/ui/page-header';
import { requirePageUser } from '@/lib/auth/require-page-user';
import { getDb } from '@/lib/db';
import { listEnvironments } from '@/lib/environments/list-environments';
import { getPlatformMaximums } from '@/lib/platform/get-platform-maximums';
import { listPooledKernels } from '@/lib/platform/list-pooled-kernels';
import { getSoftwareChoices } from '@/lib/software/get-software-choices';

export const metadata: Metadata = { title: 'Environments · Admin · Lattice' };

export default async function AdminEnvironmentsPage() {
  const user = await requirePageUser();
  // The admin layout explains the refusal to members; it renders alongside this page.
  if (user.role !== 'admin') return null;
  const [environments, maximums, pool] = await Promise.all([
    listEnvironments(getDb(), user, { includeArchived: true }),
    getPlatformMaximums(getDb(), user),
    listPooledKernels(getDb(), user),
  ]);
  const active = environments.filter((e) => !e.archivedAt).length;
  return (
    <PageContainer>
      <PageHeader
        eyebrow="Admin"
        title="Environments"
        description={`Global templates offered in every project — each is a kernelspec on the gateway. Rate: ${RATE_FORMULA}.`}
      />
      <div className="space-y-6">
        <EnvironmentsManager
          title="Global templates"
          description={`${active} active, ${environments.length - active} archived.`}
          environments={environments}
          scope="global"
          endpoint="/api/admin/environments"
          maximums={maximums}
          software={getSoftwareChoices()}
          canManage={user.role === 'admin'}
        />
        <PooledKernelsCard budget={pool.budget} kernels={pool.kernels} />
        <PlatformMaximumsForm maximums={maximums} />
      </div>
    </PageContainer>
  );
}
