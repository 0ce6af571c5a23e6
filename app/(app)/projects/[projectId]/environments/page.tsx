import type { Metadata } from 'next';
import Link from 'next/link';
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

export const metadata: Metadata = { title: 'Environments · Lattice' };

export default async function ProjectEnvironmentsPage({ params }: { params: Promise<{ projectId: string }> }) {
  const { projectId } = await params;
  const user = await requirePageUser();
  const { project, access } = await pageOrNotFound(getProjectAccess(getDb(), user, projectId, 'view'));
  const canManage = can(access, 'manage');
  const [environments, maximums, quota] = await Promise.all([
    listEnvironments(getDb(), user, { projectId, includeArchived: canManage }),
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
          canManage={canManage}
        />
        <MyQuota quota={quota} />
      </div>
    </PageContainer>
  );
}
