import { and, eq, inArray, isNull, or } from 'drizzle-orm';
import {
  DEFAULT_ENVIRONMENT_SLUG,
  KERNELSPEC_ALIASES,
  ZEnvironmentSpec,
  hardwareLabel,
  type TEnvironmentSpec,
} from '../../common/environment';
import { computeUnitsPerHour } from '../../common/metering';
import { AppError } from '../../common/errors';
import { can } from '../../common/roles';
import type { TDb } from '../../db/client';
import { environments, projects } from '../../db/schema';
import { projectAccess } from '../auth/access';
import type { TCaller } from '../auth/caller';
import { projectNotFound, targetProject } from './target-project';
import { visibleProjectIds } from './visibility';

type TEnvironmentRow = typeof environments.$inferSelect;

/** The project a kernelspec belongs to, as `metadata.lattice.project` names it (null: a global template). */
export interface TKernelspecProject {
  id: string;
  name: string;
}

type TInterruptMode = (row: TEnvironmentRow) => 'signal' | 'message';

/** A kernelspec as jupyter_server's `/api/kernelspecs` returns it. */
export interface TKernelspecModel {
  name: string;
  spec: {
    argv: string[];
    display_name: string;
    language: string;
    interrupt_mode: 'signal' | 'message';
    env: Record<string, string>;
    metadata: Record<string, unknown>;
  };
  resources: Record<string, string>;
}

/** The snapshot a kernel keeps of its environment (validated: it drives a launch). */
export function toEnvironmentSpec(row: TEnvironmentRow): TEnvironmentSpec {
  return ZEnvironmentSpec.parse(row);
}

/**
 * What a template runs, by the rule that only admins define it (DESIGN §6): a global template
 * its own kernel command, image and warm pool; a project template the kernel (argv, image,
 * language) of the global template it names in `baseEnvironmentId`, or the default ipykernel,
 * and never a pool. Whatever argv, image or pool size a project row itself carries (written
 * before the rule, or straight into the database) is never used. `globals` holds the global
 * templates that are not archived; null when the named one is not among them: the project
 * template cannot run until an owner picks another kernel.
 */
export function withApprovedKernel(row: TEnvironmentRow, globals: ReadonlyMap<string, TEnvironmentRow>): TEnvironmentRow | null {
  if (row.projectId === null) return row;
  const base = row.baseEnvironmentId ? globals.get(row.baseEnvironmentId) : undefined;
  if (row.baseEnvironmentId && !base) return null;
  return { ...row, argv: base?.argv ?? null, image: base?.image ?? null, language: base?.language ?? row.language, poolSize: 0 };
}

/** Global, non-archived templates by id: what `withApprovedKernel` may take a kernel from. */
export function approvedKernels(rows: readonly TEnvironmentRow[]): Map<string, TEnvironmentRow> {
  return new Map(rows.filter((r) => r.projectId === null && r.archivedAt === null).map((r) => [r.id, r]));
}

/** `python3` → `default`; other names are environment slugs. */
export function resolveKernelspecName(name: string | undefined): string {
  const requested = name ?? DEFAULT_ENVIRONMENT_SLUG;
  return KERNELSPEC_ALIASES[requested] ?? requested;
}

/** Non-archived environments that are global or belong to one of `projectIds`. */
export async function visibleEnvironments(db: TDb, projectIds: readonly string[] | 'all'): Promise<TEnvironmentRow[]> {
  const scope =
    projectIds === 'all' ? undefined : projectIds.length ? or(isNull(environments.projectId), inArray(environments.projectId, [...projectIds])) : isNull(environments.projectId);
  return db.select().from(environments).where(and(isNull(environments.archivedAt), scope)).orderBy(environments.slug);
}

/** The kernelspec for an environment; `interruptMode` comes from its provisioner. */
export function toKernelspecModel(name: string, row: TEnvironmentRow, interruptMode: 'signal' | 'message', project: TKernelspecProject | null): TKernelspecModel {
  const env = toEnvironmentSpec(row);
  return {
    name,
    spec: {
      argv: env.argv ?? ['python', '-m', 'ipykernel_launcher', '-f', '{connection_file}'],
      display_name: hardwareLabel(env),
      language: env.language,
      interrupt_mode: interruptMode,
      env: {},
      metadata: {
        lattice: {
          environmentId: env.id,
          /** Where this template can be launched: a global one anywhere, a project's only there. */
          project,
          provisioner: env.provisioner,
          cpuRequestM: env.cpuRequestM,
          cpuLimitM: env.cpuLimitM,
          memoryRequestMib: env.memoryRequestMib,
          memoryLimitMib: env.memoryLimitMib,
          gpus: env.gpus,
          spark: env.spark,
          idleTimeoutS: env.idleTimeoutS,
          /** Culled after this long with no websocket client (independent of the idle timeout). */
          noClientTimeoutS: env.noClientTimeoutS,
          computeUnitsPerHour: computeUnitsPerHour(env),
          /** Warm-pool kernels kept ready for this environment (0 = no pool). */
          poolSize: env.poolSize,
          /** Outbound network: `egress` (outside this host only) or `none`. */
          network: env.network,
        },
      },
    },
    resources: {},
  };
}

/**
 * Environments as kernelspecs (project ones with their approved kernel; none whose kernel was
 * withdrawn), plus the aliases of the default one. The default comes first: clients that
 * preselect the first kernelspec (JupyterLab's new notebook) get the one `default` names.
 * `projects` names the project of each non-global row.
 */
export function kernelspecsFor(rows: readonly TEnvironmentRow[], interruptMode: TInterruptMode, projects: ReadonlyMap<string, TKernelspecProject>) {
  const globals = approvedKernels(rows);
  const runnable = rows.map((row) => withApprovedKernel(row, globals)).filter((row) => row !== null);
  const model = (name: string, row: TEnvironmentRow) => toKernelspecModel(name, row, interruptMode(row), row.projectId === null ? null : (projects.get(row.projectId) ?? null));
  const named = new Map<string, TEnvironmentRow>(runnable.map((row) => [row.slug, row]));
  for (const [alias, slug] of Object.entries(KERNELSPEC_ALIASES)) {
    const row = named.get(slug);
    if (row && !named.has(alias)) named.set(alias, row);
  }
  const defaultName = named.has('python3') ? 'python3' : named.has(DEFAULT_ENVIRONMENT_SLUG) ? DEFAULT_ENVIRONMENT_SLUG : (runnable[0]?.slug ?? DEFAULT_ENVIRONMENT_SLUG);
  const names = [...named.keys()].sort((a, b) => (a === defaultName ? -1 : b === defaultName ? 1 : a.localeCompare(b)));
  const kernelspecs: Record<string, TKernelspecModel> = {};
  for (const name of names) kernelspecs[name] = model(name, named.get(name) as TEnvironmentRow);
  return { default: defaultName, kernelspecs };
}

/**
 * `GET /api/kernelspecs`: what a launch can use where it would go (`targetProject`: the token's
 * project, else `?project=`, else the caller's personal project), so that any kernelspec a
 * client picks from the list starts without naming a project. Global templates and that
 * project's; none from the caller's other projects.
 */
export async function listKernelspecs(db: TDb, caller: TCaller, requestedProject: string | undefined, interruptMode: TInterruptMode) {
  const projectId = await targetProject(db, caller, requestedProject, 'find');
  if (projectId !== null && !can(await projectAccess(db, caller, projectId), 'view')) throw projectNotFound(requestedProject ?? projectId);
  const rows = await db
    .select()
    .from(environments)
    .where(and(isNull(environments.archivedAt), projectId === null ? isNull(environments.projectId) : or(isNull(environments.projectId), eq(environments.projectId, projectId))))
    .orderBy(environments.slug);
  return kernelspecsFor(rows, interruptMode, await projectsById(db, projectId === null ? [] : [projectId]));
}

/**
 * `GET /api/kernelspecs/{name}`: any template the caller may see, by its name (slugs are
 * unique); `metadata.lattice.project` says where it can be launched.
 */
export async function findKernelspec(db: TDb, caller: TCaller, name: string, interruptMode: TInterruptMode): Promise<TKernelspecModel> {
  const rows = await visibleEnvironments(db, await visibleProjectIds(db, caller));
  const ids = [...new Set(rows.flatMap((row) => (row.projectId === null ? [] : [row.projectId])))];
  const spec = kernelspecsFor(rows, interruptMode, await projectsById(db, ids)).kernelspecs[name];
  if (!spec) throw new AppError('NOT_FOUND', `No kernelspec "${name}" is available to you.`);
  return spec;
}

async function projectsById(db: TDb, ids: readonly string[]): Promise<Map<string, TKernelspecProject>> {
  if (!ids.length) return new Map();
  const rows = await db.select({ id: projects.id, name: projects.name }).from(projects).where(inArray(projects.id, [...ids]));
  return new Map(rows.map((row) => [row.id, row]));
}
