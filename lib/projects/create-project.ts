import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { zMultiLineText, zSingleLineText } from '@/common/plain-text';
import { AppError } from '@/common/errors';
import type { TDb } from '@/db/client';
import { projectMembers, projects } from '@/db/schema';
import type { TSignedInUser } from '../auth/authorize-credentials';
import { toSlug } from '../slugs/to-slug';
import { parseInput } from '../validation/parse-input';
import type { TProjectSummary } from './project-summary';

export const ZCreateProjectInput = z.object({
  name: zSingleLineText().trim().min(1, 'Enter a project name').max(100, 'Use at most 100 characters'),
  description: zMultiLineText().trim().max(2000, 'Use at most 2000 characters').default(''),
});

/** "Churn Model (v2)" → "churn-model-v2"; never empty. */
export function slugify(name: string): string {
  return toSlug(name) || 'project';
}

/** Creates a project with a unique slug; any signed-in user may, and becomes its owner. */
export async function createProject(
  db: TDb,
  actor: TSignedInUser,
  input: z.input<typeof ZCreateProjectInput>,
): Promise<TProjectSummary> {
  const data = parseInput(ZCreateProjectInput, input, 'project');
  const base = slugify(data.name);
  return db.transaction(async (tx) => {
    for (let attempt = 0; attempt < 8; attempt++) {
      const slug = attempt === 0 ? base : `${base}-${randomBytes(3).toString('hex')}`;
      const [row] = await tx
        .insert(projects)
        .values({ name: data.name, slug, description: data.description, createdBy: actor.id })
        .onConflictDoNothing({ target: projects.slug })
        .returning();
      if (!row) continue;
      await tx.insert(projectMembers).values({ projectId: row.id, userId: actor.id, role: 'owner' });
      return {
        id: row.id,
        name: row.name,
        slug: row.slug,
        description: row.description,
        personal: false,
        role: 'owner',
        memberCount: 1,
        notebookCount: 0,
        createdAt: row.createdAt.toISOString(),
      };
    }
    throw new AppError('CONFLICT', 'Could not find a free slug for this name; try another name.');
  });
}
