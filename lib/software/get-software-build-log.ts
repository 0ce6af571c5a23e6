import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { AppError } from '@/common/errors';
import type { TSoftwareBuildInfo } from '@/common/software';
import type { TDb } from '@/db/client';
import { environments, softwareBuilds } from '@/db/schema';
import type { TSignedInUser } from '../auth/authorize-credentials';
import { toSoftwareBuildInfo } from '../environments/environment-summary';
import { getProjectAccess } from '../projects/get-project-access';

export const ZSoftwareBuildLogInput = z.object({ environmentId: z.string().uuid('Not an environment id') });

/** A template's build with the installer's output; `build` is null for the platform's default environment (nothing is built). */
export interface TSoftwareBuildLog {
  build: TSoftwareBuildInfo | null;
  log: string;
}

/**
 * The build log of a template's software, for those who look after the template: admins for
 * global templates, the project's members for a project's. Others get NOT_FOUND for a project
 * template (its project is not revealed) and FORBIDDEN for a global one (global templates are
 * listed to everyone, their installer output only to admins).
 */
export async function getSoftwareBuildLog(db: TDb, actor: TSignedInUser, input: z.input<typeof ZSoftwareBuildLogInput>): Promise<TSoftwareBuildLog> {
  const parsed = ZSoftwareBuildLogInput.safeParse(input);
  if (!parsed.success) throw new AppError('NOT_FOUND', 'Environment not found.');
  const [row] = await db
    .select({ projectId: environments.projectId, build: softwareBuilds })
    .from(environments)
    .leftJoin(softwareBuilds, eq(softwareBuilds.id, environments.softwareBuildId))
    .where(eq(environments.id, parsed.data.environmentId));
  if (!row) throw new AppError('NOT_FOUND', 'Environment not found.');
  if (row.projectId === null) {
    if (actor.role !== 'admin') throw new AppError('FORBIDDEN', 'Only administrators can read the build logs of global environments.');
  } else {
    await getProjectAccess(db, actor, row.projectId, 'view');
  }
  return row.build ? { build: toSoftwareBuildInfo(row.build), log: row.build.log } : { build: null, log: '' };
}
