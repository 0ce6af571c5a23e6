import type { Metadata } from 'next';
import { CreateUserButton } from '@/components/admin/create-user-button';
import { UsersTable } from '@/components/admin/users-table';
import { Card } from '@/components/ui/card';
import { PageContainer } from '@/components/ui/page-container';
import { PageHeader } from '@/components/ui/page-header';
import { requirePageUser } from '@/lib/auth/require-page-user';
import { getDb } from '@/lib/db';
import { listUsers } from '@/lib/users/list-users';

export const metadata: Metadata = { title: 'Users · Admin · Lattice' };

export default async function AdminUsersPage() {
  const user = await requirePageUser();
  const users = await listUsers(getDb(), user);
  const active = users.filter((u) => !u.disabledAt).length;
  return (
    <PageContainer>
      <PageHeader
        eyebrow="Admin"
        title="Users"
        description={`${users.length} users, ${active} active. Disabled users cannot sign in and their API tokens stop working.`}
        actions={<CreateUserButton />}
      />
      <Card>
        <UsersTable users={users} currentUserId={user.id} />
      </Card>
    </PageContainer>
  );
}
