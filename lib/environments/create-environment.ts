import { like } from 'drizzle-orm';
import { z } from 'zod';
import { validateEnvironment, type TEnvironmentInput } from '@/common/environment-input';
import { AppError } from '@/common/errors';
import type { TDb } from '@/db/client';
import { environments } from '@/db/schema';
import type { TSignedInUser } from '../auth/authorize-credentials';
import { loadPlatformMaximums } from '../platform/get-platform-maximums';
import { getProjectAccess } from '../projects/get-project-access';
import { assertBaseKernel } from './assert-base-kernel';
import { assertEnvironmentRoom } from './assert-environment-room';
import { requestSoftwareBuild } from '../software/request-software-build';
import { slugCandidates } from './environment-slug';
import type { TEnvironmentSummary } from './environment-summary';
import { summarizeEnvironment } from './summarize-environments';

const ZProjectId = z.string().uuid().nullish();

/**
 * Creates a template: global (`projectId` null — admins) or for one project (its owners).
 * Only global templates define what runs (kernel command, image, warm pool); a project
 * template picks one of their kernels and sizes it, up to the platform's templates-per-project
 * cap. The slug — the kernelspec name — comes from the name and is unique across all templates.
 */
export async function createEnvironment(
  db: TDb,
  actor: TSignedInUser,
  input: TEnvironmentInput & { projectId?: string | null },
): Promise<TEnvironmentSummary> {
  const projectId = input.projectId ?? null;
  if (!ZProjectId.safeParse(projectId).success) throw new AppError('NOT_FOUND', 'Project not found.');
  if (projectId) await getProjectAccess(db, actor, projectId, 'manage');
  else if (actor.role !== 'admin') throw new AppError('FORBIDDEN', 'Only administrators can create global environments.');
  const values = validateEnvironment(input, await loadPlatformMaximums(db), projectId ? 'project' : 'global');
  await assertBaseKernel(db, values.baseEnvironmentId);

  for (let attempt = 0; attempt < 5; attempt++) {
    const [base] = slugCandidates(values.name, 1);
    const taken = new Set((await db.select({ slug: environments.slug }).from(environments).where(like(environments.slug, `${base}%`))).map((r) => r.slug));
    const slug = slugCandidates(values.name, taken.size + 1).find((s) => !taken.has(s))!;
    const row = await db.transaction(async (tx) => {
      if (projectId) await assertEnvironmentRoom(tx, projectId);
      const softwareBuildId = await requestSoftwareBuild(tx, values, values);
      const [inserted] = await tx
        .insert(environments)
        .values({ ...values, projectId, slug, softwareBuildId })
        .onConflictDoNothing({ target: environments.slug })
        .returning();
      return inserted;
    });
    if (row) return summarizeEnvironment(db, row);
  }
  throw new AppError('CONFLICT', 'Could not find a free kernelspec name for this template; try another name.');
}
