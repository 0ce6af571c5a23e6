import { and, eq, isNull, or, sql } from 'drizzle-orm';
import { z } from 'zod';
import { hardwareLabel } from '@/common/environment';
import { AppError } from '@/common/errors';
import type { TDb } from '@/db/client';
import { environments, notebooks } from '@/db/schema';
import type { TSignedInUser } from '../auth/authorize-credentials';
import type { TEnvironmentSummary } from '../environments/environment-summary';
import { summarizeEnvironment } from '../environments/summarize-environments';
import { getProjectAccess } from '../projects/get-project-access';
import { parseInput } from '../validation/parse-input';
import { findNotebook } from './find-notebook';

export const ZAttachEnvironmentInput = z.object({
  projectId: z.string(),
  notebookId: z.string(),
  environmentId: z.string().uuid('Choose an environment'),
  /**
   * The version an open editor holds; the attach only lands if it is still current (as a save
   * would), so the editor keeps its own copy in step. Omitted by callers without an editor
   * (the notebook list): the attach then bumps whatever version is stored, and an editor open
   * elsewhere on an older version gets a conflict on its next save instead of undoing it.
   */
  baseVersion: z.number().int().min(1).optional(),
});

/** `metadata.kernelspec` as Jupyter writes it; `name` is the environment's slug. */
export interface TKernelspecMetadata {
  name: string;
  display_name: string;
  language: string;
}

export interface TAttachResult {
  version: number;
  updatedAt: string;
  environment: TEnvironmentSummary;
  /** What now stands in the notebook's `metadata.kernelspec`. */
  kernelspec: TKernelspecMetadata;
}

/**
 * Attaches an environment template to a notebook (edit rights): the template must be one
 * the project may use (global or the project's own) and not archived. Stores it as the
 * notebook's environment and as `metadata.kernelspec` (name = the template's slug, i.e. the
 * kernelspec name any Jupyter client launches), bumping the version so no older copy can
 * silently write the previous kernelspec back.
 */
export async function attachEnvironment(db: TDb, actor: TSignedInUser, input: z.input<typeof ZAttachEnvironmentInput>): Promise<TAttachResult> {
  const data = parseInput(ZAttachEnvironmentInput, input, 'environment choice');
  const { project } = await getProjectAccess(db, actor, data.projectId, 'edit');
  await findNotebook(db, project.id, data.notebookId);
  const [env] = await db
    .select()
    .from(environments)
    .where(and(eq(environments.id, data.environmentId), or(isNull(environments.projectId), eq(environments.projectId, project.id))));
  if (!env) throw new AppError('NOT_FOUND', 'That environment is not available in this project.', { environmentId: 'Not available here' });
  if (env.archivedAt) {
    throw new AppError('BAD_REQUEST', `${env.name} is archived; choose another environment.`, { environmentId: 'This template is archived' });
  }
  const kernelspec: TKernelspecMetadata = { name: env.slug, display_name: hardwareLabel(env), language: env.language };
  const [row] = await db
    .update(notebooks)
    .set({
      environmentId: env.id,
      content: sql`jsonb_set(${notebooks.content}, '{metadata,kernelspec}', ${JSON.stringify(kernelspec)}::jsonb, true)`,
      version: sql`${notebooks.version} + 1`,
      updatedBy: actor.id,
      updatedAt: sql`now()`,
    })
    .where(
      and(
        eq(notebooks.id, data.notebookId),
        eq(notebooks.projectId, project.id),
        data.baseVersion === undefined ? undefined : eq(notebooks.version, data.baseVersion),
      ),
    )
    .returning({ version: notebooks.version, updatedAt: notebooks.updatedAt });
  if (!row) {
    throw new AppError(
      'VERSION_CONFLICT',
      'This notebook was saved elsewhere after you opened it, so the environment was not changed. Reload to get the latest version, then choose again.',
    );
  }
  return { version: row.version, updatedAt: row.updatedAt.toISOString(), environment: await summarizeEnvironment(db, env), kernelspec };
}
