import type { Metadata } from 'next';
import { QuotasPanel } from '@/components/quotas/quotas-panel';
import { PageContainer } from '@/components/ui/page-container';
import { PageHeader } from '@/components/ui/page-header';
import { requirePageUser } from '@/lib/auth/require-page-user';
import { getDb } from '@/lib/db';
import { listQuotaTable } from '@/lib/quotas/list-quota-table';

export const metadata: Metadata = { title: 'Quotas · Admin · Lattice' };
export const dynamic = 'force-dynamic';

export default async function AdminQuotasPage() {
  const user = await requirePageUser();
  // The admin layout explains the refusal to members; it renders alongside this page.
  if (user.role !== 'admin') return null;
  const table = await listQuotaTable(getDb(), user);
  const users = table.rows.filter((r) => r.kind === 'user').length;
  const projects = table.rows.filter((r) => r.kind === 'project').length;
  return (
    <PageContainer>
      <PageHeader
        eyebrow="Admin"
        title="Quotas"
        description={`${users} users and ${projects} projects. Launches over any limit are refused with a message naming it; running kernels are never stopped by a change here.`}
      />
      <QuotasPanel table={table} />
    </PageContainer>
  );
}
