import { and, eq, isNull, or } from 'drizzle-orm';
import { AppError } from '../../common/errors';
import type { TStartKernelBody } from '../../common/kernel-model';
import { can } from '../../common/roles';
import type { TDb } from '../../db/client';
import { environments, notebooks, projects } from '../../db/schema';
import { projectAccess } from '../auth/access';
import type { TCaller } from '../auth/caller';
import { approvedKernels, resolveKernelspecName, withApprovedKernel } from './kernelspecs';
import { projectNotFound, targetProject } from './target-project';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface TLaunchTarget {
  projectId: string;
  /** The project's slug: provisioners that place kernels by project name from it (the `kubernetes` namespace). */
  projectSlug: string;
  notebookId: string | null;
  /** The template with the kernel it may run (`withApprovedKernel`): what the launch uses. */
  environment: typeof environments.$inferSelect;
  /** The name the client asked for (kept so clients see the kernelspec they chose). */
  kernelspecName: string;
  /** KERNEL_* variables for the kernel process; KERNEL_USERNAME is the authenticated user. */
  env: Record<string, string>;
}

/**
 * Where a `POST /api/kernels` goes: the token's project, else `KERNEL_PROJECT`, else the
 * caller's personal project. Checks that the caller may run kernels there, that the
 * kernelspec is usable in it and that `KERNEL_NOTEBOOK` belongs to it.
 */
export async function resolveLaunchTarget(db: TDb, caller: TCaller, body: TStartKernelBody): Promise<TLaunchTarget> {
  const requestedProject = body.env?.KERNEL_PROJECT;
  const projectId = await targetProject(db, caller, requestedProject, 'create');

  // The project is read beside the access check, not after it: a launch waits for one round trip, not two.
  const [access, project] = await Promise.all([projectAccess(db, caller, projectId), projectStatus(db, projectId)]);
  if (!can(access, 'view')) throw projectNotFound(requestedProject ?? projectId);
  if (!can(access, 'run')) {
    throw new AppError('FORBIDDEN', 'Viewers cannot start kernels in this project; ask an owner for editor access.');
  }
  // Its kernels are being stopped (revocation-sweep.ts); told only to those who may see it.
  if (project.deletedAt) throw new AppError('CONFLICT', 'This project was deleted: it can no longer run kernels.');
  if (project.archivedAt) throw new AppError('CONFLICT', 'This project is archived: restore it to run kernels.');
  const projectSlug = project.slug;

  const slug = resolveKernelspecName(body.name);
  const [environment] = await db
    .select()
    .from(environments)
    .where(
      and(
        eq(environments.slug, slug),
        isNull(environments.archivedAt),
        or(isNull(environments.projectId), eq(environments.projectId, projectId)),
      ),
    );
  if (!environment) throw new AppError('NOT_FOUND', `No kernelspec "${body.name ?? slug}" is available in this project.`);
  const approved = withApprovedKernel(environment, approvedKernels(await kernelSources(db, environment)));
  if (!approved) {
    throw new AppError(
      'CONFLICT',
      `The kernel that environment "${environment.name}" runs was archived by an administrator; a project owner must choose another kernel for it.`,
    );
  }

  const notebookId = body.env?.KERNEL_NOTEBOOK ?? null;
  if (notebookId !== null) {
    const [notebook] = UUID.test(notebookId)
      ? await db.select({ id: notebooks.id }).from(notebooks).where(and(eq(notebooks.id, notebookId), eq(notebooks.projectId, projectId)))
      : [];
    if (!notebook) throw new AppError('NOT_FOUND', `Notebook ${notebookId} is not in this project.`);
  }

  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(body.env ?? {})) if (k.startsWith('KERNEL_')) env[k] = v;
  env.KERNEL_USERNAME = caller.email;
  env.KERNEL_PROJECT = projectId;
  return { projectId, projectSlug, notebookId, environment: approved, kernelspecName: body.name ?? slug, env };
}

/** The project's slug and whether it is archived or deleted; a project removed since the request named it is not found. */
async function projectStatus(db: TDb, projectId: string): Promise<{ slug: string; archivedAt: Date | null; deletedAt: Date | null }> {
  const [row] = await db
    .select({ slug: projects.slug, archivedAt: projects.archivedAt, deletedAt: projects.deletedAt })
    .from(projects)
    .where(eq(projects.id, projectId));
  if (!row) throw projectNotFound(projectId);
  return row;
}

/** The global template a project template takes its kernel from, if it names one. */
async function kernelSources(db: TDb, environment: typeof environments.$inferSelect): Promise<Array<typeof environments.$inferSelect>> {
  if (environment.projectId === null || !environment.baseEnvironmentId) return [];
  return db.select().from(environments).where(eq(environments.id, environment.baseEnvironmentId));
}
