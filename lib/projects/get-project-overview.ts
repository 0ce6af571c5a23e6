import { can, type TAccess } from '@/common/roles';
import type { TDb } from '@/db/client';
import type { TSignedInUser } from '../auth/authorize-credentials';
import { getProjectAccess } from './get-project-access';
import { listMembers } from './list-members';
import type { TProjectMember } from './project-summary';

export interface TProjectOverview {
  project: { id: string; name: string; slug: string; description: string; personal: boolean; createdAt: string };
  access: TAccess;
  /** May change and run notebooks (editor, owner, admin). */
  canEdit: boolean;
  /** May manage members and settings (owner, admin). */
  canManage: boolean;
  members: TProjectMember[];
}

/** Everything the project page shows; a project the caller may not see is NOT_FOUND. */
export async function getProjectOverview(db: TDb, actor: TSignedInUser, projectId: string): Promise<TProjectOverview> {
  const { project, access } = await getProjectAccess(db, actor, projectId, 'view');
  const members = await listMembers(db, actor, projectId);
  return {
    project: {
      id: project.id,
      name: project.name,
      slug: project.slug,
      description: project.description,
      personal: project.personalOwnerId !== null,
      createdAt: project.createdAt.toISOString(),
    },
    access,
    canEdit: can(access, 'edit'),
    canManage: can(access, 'manage'),
    members,
  };
}
