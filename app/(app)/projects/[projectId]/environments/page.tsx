import type { Metadata } from 'next';
import Link from 'next/link';
import { cache } from 'react';
import { can } from '@/common/roles';
import { EnvironmentsManager } from '@/components/environments/environments-manager';
import { RATE_FORMULA } from '@/components/environments/format-rate';
import { MyQuota } from '@/components/quotas/my-quota';
import { PageContainer } from '@/components/ui/page-container';
import { PageHeader } from '@/components/ui/page-header';
import { pageOrNotFound } from '@/lib/auth/page-or-not-found';
import { requirePageUser } from '@/lib/auth/require-page-user';
import { getDb } from '@/lib/db';
import { listEnvironments } from '@/lib/environments/list-environments';
import { getPlatformMaximums } from '@/lib/platform/get-platform-maximums';
import { getProjectAccess } from '@/lib/projects/get-project-access';
import { getMyQuota } from '@/lib/quotas/get-my-quota';
import { getSoftwareChoices } from '@/lib/software/get-software-choices';

type TProps = { params: Promise<{ projectId: string }> };

/** One load per request, shared by the title and the page. */
const load = cache(async (projectId: string) => {
  const user = await requirePageUser();
  return { user, ...(await getProjectAccess(getDb(), user, projectId, 'view')) };
});

export async function generateMetadata({ params }: TProps): Promise<Metadata> {
  const loaded = await load((await params).projectId).catch(() => null);
  return { title: loaded ? `Environments · ${loaded.project.name} · Lattice` : 'Environments · Lattice' };
}

export default async function ProjectEnvironmentsPage({ params }: TProps) {
  const { projectId } = await params;
  const { user, project, access } = await pageOrNotFound(load(projectId));
  const managesProject = can(access, 'manage');
  // An archived project is read-only: its owners see its templates but change none until they restore it.
  const canManage = managesProject && !project.archivedAt;
  const [environments, maximums, quota] = await Promise.all([
    listEnvironments(getDb(), user, { projectId, includeArchived: managesProject }),
    getPlatformMaximums(getDb(), user),
    getMyQuota(getDb(), user, { projectId: project.id }),
  ]);
  const own = environments.filter((e) => e.projectId === project.id);
  return (
    <PageContainer>
      <PageHeader
        eyebrow={
          <span>
            <Link href="/projects" className="hover:text-slate-700 hover:underline">
              Projects
            </Link>
            {' / '}
            <Link href={`/projects/${project.id}`} className="hover:text-slate-700 hover:underline">
              {project.name}
            </Link>
          </span>
        }
        title="Environments"
        description={`Templates notebooks in this project can run on. Rate: ${RATE_FORMULA}.`}
      />
      <div className="space-y-6">
        <EnvironmentsManager
          title="Project templates"
          description={canManage ? 'Only this project’s members see these. Owners create, edit and archive them.' : 'Managed by the project’s owners.'}
          environments={own}
          readOnly={environments.filter((e) => e.projectId === null)}
          scope="project"
          endpoint={`/api/projects/${project.id}/environments`}
          maximums={maximums}
          software={getSoftwareChoices()}
          canManage={canManage}
        />
        <MyQuota quota={quota} />
      </div>
    </PageContainer>
  );
}
