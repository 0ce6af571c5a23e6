import type { Metadata } from 'next';
import { CreateUserButton } from '@/components/admin/create-user-button';
import { UsersTable } from '@/components/admin/users-table';
import { ListControls } from '@/components/lists/list-controls';
import { ListPager } from '@/components/lists/list-pager';
import { Card } from '@/components/ui/card';
import { PageContainer } from '@/components/ui/page-container';
import { PageHeader } from '@/components/ui/page-header';
import { requirePageUser } from '@/lib/auth/require-page-user';
import { getDb } from '@/lib/db';
import { flattenParams, ZListQuery } from '@/lib/paging/list-query';
import { listUsers } from '@/lib/users/list-users';
import { parseInput } from '@/lib/validation/parse-input';

export const metadata: Metadata = { title: 'Users · Admin · Lattice' };

type TSearchParams = Promise<Record<string, string | string[] | undefined>>;

export default async function AdminUsersPage({ searchParams }: { searchParams: TSearchParams }) {
  const user = await requirePageUser();
  const raw = flattenParams(await searchParams);
  const query = parseInput(ZListQuery, raw, 'list query');
  const page = await listUsers(getDb(), user, raw);
  return (
    <PageContainer>
      <PageHeader
        eyebrow="Admin"
        title="Users"
        description="Disabled users cannot sign in and their API tokens stop working."
        actions={<CreateUserButton />}
      />
      <Card>
        <ListControls path="/admin/users" q={query.q} sort={query.sort} order={query.order} placeholder="Search by name or email" />
        <UsersTable users={page.items} currentUserId={user.id} />
        {page.items.length === 0 && <p className="px-4 py-8 text-center text-sm text-slate-500">No user matches the search.</p>}
        <ListPager path="/admin/users" params={{ q: raw.q, sort: raw.sort, order: raw.order }} cursor={query.cursor} nextCursor={page.nextCursor} shown={page.items.length} />
      </Card>
    </PageContainer>
  );
}
