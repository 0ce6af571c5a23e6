import type { ReactNode } from 'react';
import { AdminTabs } from '@/components/admin/admin-tabs';
import { EmptyState } from '@/components/ui/empty-state';
import { PageContainer } from '@/components/ui/page-container';
import { requirePageUser } from '@/lib/auth/require-page-user';

/** Admin pages; members see an explanation instead (the APIs refuse them as well). */
export default async function AdminLayout({ children }: { children: ReactNode }) {
  const user = await requirePageUser();
  if (user.role !== 'admin') {
    return (
      <PageContainer>
        <EmptyState title="Administrators only" description="This page is for platform administrators. Ask one if you need access." />
      </PageContainer>
    );
  }
  return (
    <>
      <AdminTabs />
      {children}
    </>
  );
}
