import { z } from 'zod';

export const ZUserRole = z.enum(['admin', 'member']);
export type TUserRole = z.infer<typeof ZUserRole>;

export const ZProjectRole = z.enum(['owner', 'editor', 'viewer']);
export type TProjectRole = z.infer<typeof ZProjectRole>;

/** What a caller is, as far as authorization goes. `projectRole` is null for non-members. */
export interface TAccess {
  userRole: TUserRole;
  projectRole: TProjectRole | null;
}

export type TProjectAction =
  | 'view' // see the project, its notebooks and kernel states
  | 'edit' // change notebooks
  | 'run' // start, execute, interrupt, restart, stop own kernels
  | 'stop-any' // stop anyone's kernel in the project
  | 'manage'; // members, project settings, project environments

const RANK: Record<TProjectRole, number> = { viewer: 1, editor: 2, owner: 3 };
const NEEDS: Record<TProjectAction, TProjectRole> = {
  view: 'viewer',
  edit: 'editor',
  run: 'editor',
  'stop-any': 'owner',
  manage: 'owner',
};

/** The single answer to "may this caller do this in this project?". Admins may do everything. */
export function can(access: TAccess, action: TProjectAction): boolean {
  if (access.userRole === 'admin') return true;
  if (!access.projectRole) return false;
  return RANK[access.projectRole] >= RANK[NEEDS[action]];
}
