import { getDb } from '@/lib/db';
import type { TSignedInUser } from '@/lib/auth/authorize-credentials';
import { getProjectDashboard } from '@/lib/dashboard/get-project-dashboard';
import { ProjectDashboard } from './project-dashboard';

/**
 * Server component for the project page: loads the dashboard for the signed-in user and
 * hands it to the live client component, so the first paint already shows every kernel.
 */
export async function ProjectDashboardSection({ user, projectId }: { user: TSignedInUser; projectId: string }) {
  const initial = await getProjectDashboard(getDb(), user, { projectId });
  return <ProjectDashboard initial={initial} />;
}
