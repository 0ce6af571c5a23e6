import { and, eq } from 'drizzle-orm';
import { AppError } from '../../common/errors';
import { can, type TAccess, type TProjectAction, type TProjectRole } from '../../common/roles';
import type { TDb } from '../../db/client';
import { projectMembers } from '../../db/schema';
import type { TCaller } from './caller';

/** What a kernel route needs: `stop` is `run` on one's own kernel and `stop-any` on others'. */
export type TKernelAction = 'view' | 'run' | 'stop';

/**
 * The caller's access in a project. A project-scoped token acts as a non-member (even for
 * an admin) everywhere but its own project.
 */
export async function projectAccess(db: TDb, caller: TCaller, projectId: string): Promise<TAccess> {
  if (caller.tokenProjectId && caller.tokenProjectId !== projectId) return accessIn(caller, projectId, null);
  const [member] = await db
    .select({ role: projectMembers.role })
    .from(projectMembers)
    .where(and(eq(projectMembers.projectId, projectId), eq(projectMembers.userId, caller.userId)));
  return accessIn(caller, projectId, member?.role ?? null);
}

/** `projectAccess` once the caller's membership role is known (the revocation sweep reads it in bulk). */
export function accessIn(caller: Pick<TCaller, 'userRole' | 'tokenProjectId'>, projectId: string, memberRole: TProjectRole | null): TAccess {
  if (caller.tokenProjectId && caller.tokenProjectId !== projectId) return { userRole: 'member', projectRole: null };
  return { userRole: caller.userRole, projectRole: memberRole };
}

/**
 * The decision for one kernel: a kernel the caller may not even view does not exist for
 * them (404); one they may view but not act on is 403.
 */
export function decideKernelAccess(
  access: TAccess,
  action: TKernelAction,
  ownKernel: boolean,
): 'allow' | 'not-found' | 'forbidden' {
  if (!can(access, 'view')) return 'not-found';
  const needed: TProjectAction = action === 'stop' ? (ownKernel ? 'run' : 'stop-any') : action;
  return can(access, needed) ? 'allow' : 'forbidden';
}

export const FORBIDDEN_MESSAGES: Record<TKernelAction, string> = {
  view: 'You may not see this kernel.',
  run: 'Your role in this project lets you watch kernels but not run, interrupt or restart them; ask an owner for editor access.',
  stop: "Only the kernel's owner or a project owner may stop this kernel.",
};

/** Throws NOT_FOUND / FORBIDDEN unless the caller may do `action` on the kernel. */
export async function authorizeKernel(
  db: TDb,
  caller: TCaller,
  kernel: { id: string; projectId: string; userId: string },
  action: TKernelAction,
): Promise<void> {
  const access = await projectAccess(db, caller, kernel.projectId);
  const decision = decideKernelAccess(access, action, kernel.userId === caller.userId);
  if (decision === 'not-found') throw kernelNotFound(kernel.id);
  if (decision === 'forbidden') throw new AppError('FORBIDDEN', FORBIDDEN_MESSAGES[action]);
}

export function kernelNotFound(id: string): AppError {
  return new AppError('NOT_FOUND', `No kernel ${id} here: it does not exist, has stopped, or is not yours to see.`);
}
