import type { Metadata } from 'next';
import Link from 'next/link';
import { ListControls } from '@/components/lists/list-controls';
import { listHref } from '@/components/lists/list-href';
import { ListPager } from '@/components/lists/list-pager';
import { QuotasPanel } from '@/components/quotas/quotas-panel';
import { PageContainer } from '@/components/ui/page-container';
import { PageHeader } from '@/components/ui/page-header';
import { requirePageUser } from '@/lib/auth/require-page-user';
import { getDb } from '@/lib/db';
import { flattenParams } from '@/lib/paging/list-query';
import { projectStorageSource } from '@/lib/files/project-storage-use';
import { listQuotaTable, ZQuotaTableQuery, type TQuotaRowKind } from '@/lib/quotas/list-quota-table';
import { parseInput } from '@/lib/validation/parse-input';

export const metadata: Metadata = { title: 'Quotas · Admin · Lattice' };
export const dynamic = 'force-dynamic';

const KIND_TABS: Array<[TQuotaRowKind, string]> = [
  ['user', 'Users'],
  ['project', 'Projects'],
  ['project_user', 'In-project limits'],
];

type TSearchParams = Promise<Record<string, string | string[] | undefined>>;

export default async function AdminQuotasPage({ searchParams }: { searchParams: TSearchParams }) {
  const user = await requirePageUser();
  // The admin layout explains the refusal to members; it renders alongside this page.
  if (user.role !== 'admin') return null;
  const raw = flattenParams(await searchParams);
  const query = parseInput(ZQuotaTableQuery, raw, 'list query');
  const table = await listQuotaTable(getDb(), user, raw, { projectStorage: projectStorageSource() });
  const kind = query.kind === 'user' ? undefined : query.kind;
  const params = { kind, q: raw.q, sort: raw.sort, order: raw.order };
  return (
    <PageContainer>
      <PageHeader
        eyebrow="Admin"
        title="Quotas"
        description="Launches over any limit are refused with a message naming it; running kernels are never stopped by a change here."
      />
      <nav aria-label="Quota kind" className="mb-3 flex gap-4 text-sm">
        {KIND_TABS.map(([k, label]) => (
          <Link
            key={k}
            href={listHref('/admin/quotas', { kind: k === 'user' ? undefined : k })}
            aria-current={query.kind === k ? 'page' : undefined}
            className={query.kind === k ? 'font-medium text-indigo-700' : 'text-slate-500 hover:text-slate-900'}
          >
            {label}
          </Link>
        ))}
      </nav>
      <QuotasPanel
        table={table}
        controls={<ListControls path="/admin/quotas" q={query.q} sort={query.sort} order={query.order} keep={{ kind }} label="Filter" placeholder={query.kind === 'project' ? 'Search by name or slug' : 'Search by name or email'} />}
        pager={<ListPager path="/admin/quotas" params={params} cursor={query.cursor} nextCursor={table.nextCursor} shown={table.items.length} />}
      />
    </PageContainer>
  );
}
