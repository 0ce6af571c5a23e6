import { eq } from 'drizzle-orm';
import { AppError } from '../../common/errors';
import type { TDb } from '../../db/client';
import { projectMembers, projects } from '../../db/schema';
import type { TCaller } from '../auth/caller';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The project a request acts in (DESIGN 4.1): the token's project, else the one it names
 * (`KERNEL_PROJECT`, `?project=`; id or slug), else the caller's personal project. A launch
 * creates the personal project on first use (`personal: 'create'`); a listing only looks for
 * it (`'find'`: null while it does not exist, so nothing but global templates can run there).
 * Whether the caller may act there is the caller's to check (`projectAccess`).
 */
export async function targetProject(db: TDb, caller: TCaller, requested: string | undefined, personal: 'create'): Promise<string>;
export async function targetProject(db: TDb, caller: TCaller, requested: string | undefined, personal: 'find'): Promise<string | null>;
export async function targetProject(db: TDb, caller: TCaller, requested: string | undefined, personal: 'create' | 'find'): Promise<string | null> {
  if (caller.tokenProjectId) {
    if (requested && requested !== caller.tokenProjectId && (await findProjectId(db, requested)) !== caller.tokenProjectId) {
      throw new AppError('FORBIDDEN', 'This token is for the project it was issued for only; it cannot start kernels or list kernelspecs in another.');
    }
    return caller.tokenProjectId;
  }
  if (requested) {
    const found = await findProjectId(db, requested);
    if (!found) throw projectNotFound(requested);
    return found;
  }
  if (personal === 'create') return ensurePersonalProject(db, caller);
  const [row] = await db.select({ id: projects.id }).from(projects).where(eq(projects.personalOwnerId, caller.userId));
  return row?.id ?? null;
}

export function projectNotFound(ref: string): AppError {
  return new AppError('NOT_FOUND', `No project "${ref}" that you are a member of.`);
}

async function findProjectId(db: TDb, ref: string): Promise<string | null> {
  const [row] = await db
    .select({ id: projects.id })
    .from(projects)
    .where(UUID.test(ref) ? eq(projects.id, ref) : eq(projects.slug, ref));
  return row?.id ?? null;
}

/**
 * The caller's personal project, created on first use with them as owner. Concurrent first
 * launches race on the unique `personal_owner_id`; the loser reads the winner's row.
 */
async function ensurePersonalProject(db: TDb, caller: TCaller): Promise<string> {
  return db.transaction(async (tx) => {
    const [created] = await tx
      .insert(projects)
      .values({ name: 'Personal', slug: `personal-${caller.userId}`, personalOwnerId: caller.userId, createdBy: caller.userId })
      .onConflictDoNothing({ target: projects.personalOwnerId })
      .returning({ id: projects.id });
    const projectId = created?.id ?? (await tx.select({ id: projects.id }).from(projects).where(eq(projects.personalOwnerId, caller.userId)))[0].id;
    await tx.insert(projectMembers).values({ projectId, userId: caller.userId, role: 'owner' }).onConflictDoNothing();
    return projectId;
  });
}
