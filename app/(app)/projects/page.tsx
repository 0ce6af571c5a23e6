import type { Metadata } from 'next';
import Link from 'next/link';
import { ListControls } from '@/components/lists/list-controls';
import { listHref } from '@/components/lists/list-href';
import { ListPager } from '@/components/lists/list-pager';
import { CreateProjectButton } from '@/components/projects/create-project-button';
import { ProjectsTable } from '@/components/projects/projects-table';
import { Card } from '@/components/ui/card';
import { EmptyState } from '@/components/ui/empty-state';
import { PageContainer } from '@/components/ui/page-container';
import { PageHeader } from '@/components/ui/page-header';
import { requirePageUser } from '@/lib/auth/require-page-user';
import { getDb } from '@/lib/db';
import { flattenParams } from '@/lib/paging/list-query';
import { listProjects, ZProjectListQuery } from '@/lib/projects/list-projects';
import { parseInput } from '@/lib/validation/parse-input';

export const metadata: Metadata = { title: 'Projects · Lattice' };

type TSearchParams = Promise<Record<string, string | string[] | undefined>>;

export default async function ProjectsPage({ searchParams }: { searchParams: TSearchParams }) {
  const user = await requirePageUser();
  const raw = flattenParams(await searchParams);
  const query = parseInput(ZProjectListQuery, raw, 'list query');
  const page = await listProjects(getDb(), user, raw);
  const params = { q: raw.q, sort: raw.sort, order: raw.order, archived: query.archived ? 'true' : undefined };
  const filtered = Boolean(query.q || query.archived || query.cursor);
  return (
    <PageContainer>
      <PageHeader
        title="Projects"
        description={user.role === 'admin' ? 'All projects on the platform.' : 'Projects you are a member of.'}
        actions={<CreateProjectButton />}
      />
      <nav aria-label="Project filter" className="mb-3 flex gap-4 text-sm">
        <Link href={listHref('/projects', { ...params, archived: undefined })} aria-current={query.archived ? undefined : 'page'} className={query.archived ? 'text-slate-500 hover:text-slate-900' : 'font-medium text-indigo-700'}>
          Active
        </Link>
        <Link href={listHref('/projects', { ...params, archived: 'true' })} aria-current={query.archived ? 'page' : undefined} className={query.archived ? 'font-medium text-indigo-700' : 'text-slate-500 hover:text-slate-900'}>
          Archived
        </Link>
      </nav>
      <Card>
        {page.items.length || filtered ? (
          <>
            <ListControls path="/projects" q={query.q} sort={query.sort} order={query.order} keep={{ archived: params.archived }} placeholder="Search by name or slug" />
            {page.items.length ? (
              <ProjectsTable projects={page.items} />
            ) : (
              <p className="px-4 py-8 text-center text-sm text-slate-500">{query.archived ? 'No archived project matches.' : 'No project matches the search.'}</p>
            )}
            <ListPager path="/projects" params={params} cursor={query.cursor} nextCursor={page.nextCursor} shown={page.items.length} />
          </>
        ) : (
          <EmptyState
            title="No projects yet"
            description="Create a project to hold your notebooks, or ask a project owner to add you."
            action={<CreateProjectButton />}
          />
        )}
      </Card>
    </PageContainer>
  );
}
