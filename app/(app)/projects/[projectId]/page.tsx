import type { Metadata } from 'next';
import Link from 'next/link';
import { cache } from 'react';
import { ProjectDashboard } from '@/components/dashboard/project-dashboard';
import { FilesPanel } from '@/components/files/files-panel';
import { NotebookList } from '@/components/notebook/notebook-list';
import { ArchivedBanner } from '@/components/projects/archived-banner';
import { MembersPanel } from '@/components/projects/members-panel';
import { ProjectSettings } from '@/components/projects/project-settings';
import { RoleBadge } from '@/components/projects/role-badge';
import { Badge } from '@/components/ui/badge';
import { buttonClasses } from '@/components/ui/button';
import { PageContainer } from '@/components/ui/page-container';
import { PageHeader } from '@/components/ui/page-header';
import { pageOrNotFound } from '@/lib/auth/page-or-not-found';
import { requirePageUser } from '@/lib/auth/require-page-user';
import { getProjectDashboard } from '@/lib/dashboard/get-project-dashboard';
import { getDb } from '@/lib/db';
import { getProjectOverview } from '@/lib/projects/get-project-overview';

type TProps = { params: Promise<{ projectId: string }> };

/** One load per request, shared by the title and the page. */
const load = cache(async (projectId: string) => {
  const user = await requirePageUser();
  return { user, overview: await getProjectOverview(getDb(), user, projectId) };
});

export async function generateMetadata({ params }: TProps): Promise<Metadata> {
  const loaded = await load((await params).projectId).catch(() => null);
  return { title: loaded ? `${loaded.overview.project.name} · Lattice` : 'Project · Lattice' };
}

export default async function ProjectPage({ params }: TProps) {
  const { projectId } = await params;
  const { user, overview } = await pageOrNotFound(load(projectId));
  const { project, access, canEdit, canManage, members } = overview;
  // Loaded here so the first paint already shows every kernel; the dashboard then keeps itself live.
  const dashboard = await getProjectDashboard(getDb(), user, { projectId: project.id });
  return (
    <PageContainer>
      <PageHeader
        eyebrow={
          <Link href="/projects" className="hover:text-slate-700 hover:underline">
            Projects
          </Link>
        }
        title={project.name}
        description={project.description || undefined}
        actions={
          <div className="flex items-center gap-2 text-xs text-slate-500">
            {project.personal && <Badge tone="amber">personal</Badge>}
            {project.archivedAt && <Badge tone="amber">archived</Badge>}
            <span className="font-mono">{project.slug}</span>
            {access.projectRole ? <RoleBadge role={access.projectRole} /> : <RoleBadge role="admin" />}
            <Link href={`/projects/${project.id}/environments`} className={buttonClasses('secondary', 'sm')}>
              Environments
            </Link>
            {canManage && <ProjectSettings project={project} />}
          </div>
        }
      />
      <div className="space-y-6">
        {project.archivedAt && <ArchivedBanner projectId={project.id} archivedAt={project.archivedAt} canRestore={canManage} />}
        {/* Notebooks first: they are what people open a project for (issue 14 §3). */}
        <NotebookList projectId={project.id} canEdit={canEdit} userId={user.id} />
        <FilesPanel projectId={project.id} canWrite={canEdit} />
        <ProjectDashboard initial={dashboard} />
        <MembersPanel projectId={project.id} members={members} canManage={canManage && !project.archivedAt} currentUserId={user.id} />
      </div>
    </PageContainer>
  );
}
