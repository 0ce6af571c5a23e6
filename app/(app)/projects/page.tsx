import type { Metadata } from 'next';
import { CreateProjectButton } from '@/components/projects/create-project-button';
import { ProjectsTable } from '@/components/projects/projects-table';
import { Card } from '@/components/ui/card';
import { EmptyState } from '@/components/ui/empty-state';
import { PageContainer } from '@/components/ui/page-container';
import { PageHeader } from '@/components/ui/page-header';
import { requirePageUser } from '@/lib/auth/require-page-user';
import { getDb } from '@/lib/db';
import { listProjects } from '@/lib/projects/list-projects';

export const metadata: Metadata = { title: 'Projects · Lattice' };

export default async function ProjectsPage() {
  const user = await requirePageUser();
  const projects = await listProjects(getDb(), user);
  return (
    <PageContainer>
      <PageHeader
        title="Projects"
        description={user.role === 'admin' ? 'All projects on the platform.' : 'Projects you are a member of.'}
        actions={<CreateProjectButton />}
      />
      <Card>
        {projects.length ? (
          <ProjectsTable projects={projects} />
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
