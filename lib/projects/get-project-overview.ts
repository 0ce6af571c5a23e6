import { can, type TAccess } from '@/common/roles';
import type { TDb } from '@/db/client';
import type { TSignedInUser } from '../auth/authorize-credentials';
import { getProjectAccess } from './get-project-access';
import { listMembers } from './list-members';
import { toProjectInfo, type TProjectInfo } from './project-info';
import type { TProjectMember } from './project-summary';

export interface TProjectOverview {
  project: TProjectInfo;
  access: TAccess;
  /** May change and run notebooks (editor, owner, admin) and the project is not archived. */
  canEdit: boolean;
  /** May manage members and settings, archive, restore and delete (owner, admin), archived or not. */
  canManage: boolean;
  members: TProjectMember[];
}

/** Everything the project page shows; a project the caller may not see is NOT_FOUND. */
export async function getProjectOverview(db: TDb, actor: TSignedInUser, projectId: string): Promise<TProjectOverview> {
  const { project, access } = await getProjectAccess(db, actor, projectId, 'view');
  const members = await listMembers(db, actor, projectId);
  return {
    project: toProjectInfo(project),
    access,
    canEdit: can(access, 'edit') && !project.archivedAt,
    canManage: can(access, 'manage'),
    members,
  };
}
