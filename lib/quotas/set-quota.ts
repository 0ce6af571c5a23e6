import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { AppError } from '@/common/errors';
import type { TQuotaLimits } from '@/common/quota';
import type { TDb } from '@/db/client';
import { writeQuota } from '@/db/quotas';
import { projects, users } from '@/db/schema';
import { assertAdmin } from '../auth/assert-admin';
import type { TSignedInUser } from '../auth/authorize-credentials';
import { parseInput } from '../validation/parse-input';
import { toQuotaLimits, ZQuotaLimitsInput } from './quota-limits-input';

export const ZSetQuotaInput = z
  .object({
    scope: z.enum(['user', 'project', 'project_user', 'default_user', 'default_project'], { error: 'Choose what the quota applies to' }),
    userId: z.string().uuid('Choose a user').nullish(),
    projectId: z.string().uuid('Choose a project').nullish(),
    /** The new limits; null removes the explicit row (users and projects fall back to the default). */
    limits: ZQuotaLimitsInput.nullable(),
  })
  .superRefine((v, ctx) => {
    const needsUser = v.scope === 'user' || v.scope === 'project_user';
    const needsProject = v.scope === 'project' || v.scope === 'project_user';
    if (needsUser && !v.userId) ctx.addIssue({ code: 'custom', path: ['userId'], message: 'Choose a user' });
    if (needsProject && !v.projectId) ctx.addIssue({ code: 'custom', path: ['projectId'], message: 'Choose a project' });
  });
export type TSetQuotaInput = z.input<typeof ZSetQuotaInput>;

/**
 * Sets (or, with `limits: null`, removes) one quota row. Admins only. A user's limit applies
 * across all their projects; `project_user` narrows one user inside one project; the two
 * defaults apply to every user / project without a row of its own. Takes effect at the
 * next launch; running kernels are not stopped.
 */
export async function setQuota(db: TDb, actor: TSignedInUser, input: TSetQuotaInput): Promise<TQuotaLimits | null> {
  assertAdmin(actor);
  const data = parseInput(ZSetQuotaInput, input, 'quota');
  const userId = data.scope === 'user' || data.scope === 'project_user' ? data.userId! : null;
  const projectId = data.scope === 'project' || data.scope === 'project_user' ? data.projectId! : null;
  if (userId && !(await db.select({ id: users.id }).from(users).where(eq(users.id, userId))).length) {
    throw new AppError('NOT_FOUND', 'User not found.', { userId: 'No such user' });
  }
  if (projectId && !(await db.select({ id: projects.id }).from(projects).where(eq(projects.id, projectId))).length) {
    throw new AppError('NOT_FOUND', 'Project not found.', { projectId: 'No such project' });
  }
  const limits = data.limits === null ? null : toQuotaLimits(data.limits);
  await writeQuota(db, { scope: data.scope, userId, projectId }, limits);
  return limits;
}
