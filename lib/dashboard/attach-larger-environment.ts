import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import type { TEnvironmentSpec } from '@/common/environment';
import { AppError } from '@/common/errors';
import type { TDb } from '@/db/client';
import { kernels } from '@/db/schema';
import type { TSignedInUser } from '../auth/authorize-credentials';
import { attachEnvironment, type TAttachResult } from '../notebooks/attach-environment';
import { getProjectAccess } from '../projects/get-project-access';
import { checkEnvironmentFit, type TEnvironmentFit } from '../quotas/check-environment-fit';
import { parseInput } from '../validation/parse-input';
import { pickLargerEnvironment } from './pick-larger-environment';

export const ZAttachLargerEnvironmentInput = z.object({
  projectId: z.string().uuid('Not a project id'),
  kernelId: z.string().uuid('Not a kernel id'),
});

export interface TLargerEnvironment extends TAttachResult {
  notebookId: string;
  /** Which limit was raised: memory after an out-of-memory kill, else CPU. */
  dimension: 'memory' | 'cpu';
}

/** The next larger environment for a dead or failed kernel's notebook (see {@link attachLargerEnvironment}). */
export interface TLargerChoiceResult {
  fit: TEnvironmentFit;
  notebookId: string;
  dimension: 'memory' | 'cpu';
}

/**
 * Which template "Restart on a larger environment" would move a dead or failed kernel's
 * notebook to (run rights): the next larger one that fits the caller's quota now (see
 * `pickLargerEnvironment`). CONFLICT with a message a person can act on when none is larger
 * or the kernel still runs; QUOTA_EXCEEDED naming the limit when none of the larger fits.
 */
export async function findLargerEnvironment(db: TDb, actor: TSignedInUser, input: z.input<typeof ZAttachLargerEnvironmentInput>): Promise<TLargerChoiceResult> {
  const { projectId, kernelId } = parseInput(ZAttachLargerEnvironmentInput, input, 'restart request');
  await getProjectAccess(db, actor, projectId, 'run');
  const [kernel] = await db.select().from(kernels).where(and(eq(kernels.id, kernelId), eq(kernels.projectId, projectId)));
  if (!kernel) throw new AppError('NOT_FOUND', 'That kernel is not in this project.');
  if (kernel.state !== 'dead' && kernel.state !== 'failed') {
    throw new AppError('CONFLICT', 'This kernel is still running; stop it first, or choose another environment for its notebook.');
  }
  if (!kernel.notebookId) throw new AppError('CONFLICT', 'This kernel ran no notebook (or its notebook was deleted), so there is nothing to restart.');
  const choice = pickLargerEnvironment(kernel.environment as TEnvironmentSpec, kernel.reason, await checkEnvironmentFit(db, actor, { projectId }));
  if (!choice.ok) {
    throw new AppError(/does not fit/.test(choice.message) ? 'QUOTA_EXCEEDED' : 'CONFLICT', choice.message);
  }
  return { fit: choice.candidate, notebookId: kernel.notebookId, dimension: choice.dimension };
}

/**
 * "Restart on a larger environment" from the dashboard: attaches the environment
 * {@link findLargerEnvironment} picks to the kernel's notebook. The browser then starts the
 * new kernel on the gateway — the web never starts kernels itself.
 */
export async function attachLargerEnvironment(
  db: TDb,
  actor: TSignedInUser,
  input: z.input<typeof ZAttachLargerEnvironmentInput>,
): Promise<TLargerEnvironment> {
  const { projectId } = parseInput(ZAttachLargerEnvironmentInput, input, 'restart request');
  const { fit, notebookId, dimension } = await findLargerEnvironment(db, actor, input);
  const attached = await attachEnvironment(db, actor, { projectId, notebookId, environmentId: fit.environment.id });
  return { ...attached, notebookId, dimension };
}
