import { and, inArray, isNull, or } from 'drizzle-orm';
import {
  DEFAULT_ENVIRONMENT_SLUG,
  KERNELSPEC_ALIASES,
  ZEnvironmentSpec,
  hardwareLabel,
  type TEnvironmentSpec,
} from '../../common/environment';
import { computeUnitsPerHour } from '../../common/metering';
import type { TDb } from '../../db/client';
import { environments } from '../../db/schema';

type TEnvironmentRow = typeof environments.$inferSelect;

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
export function toKernelspecModel(name: string, row: TEnvironmentRow, interruptMode: 'signal' | 'message'): TKernelspecModel {
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
          provisioner: env.provisioner,
          cpuRequestM: env.cpuRequestM,
          cpuLimitM: env.cpuLimitM,
          memoryRequestMib: env.memoryRequestMib,
          memoryLimitMib: env.memoryLimitMib,
          gpus: env.gpus,
          spark: env.spark,
          idleTimeoutS: env.idleTimeoutS,
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
 * Every visible environment as a kernelspec (project ones with their approved kernel; none
 * whose kernel was withdrawn), plus the aliases of the default one.
 */
export function kernelspecsFor(visible: readonly TEnvironmentRow[], interruptMode: (row: TEnvironmentRow) => 'signal' | 'message') {
  const globals = approvedKernels(visible);
  const rows = visible.map((row) => withApprovedKernel(row, globals)).filter((row) => row !== null);
  const specs: Record<string, TKernelspecModel> = {};
  for (const row of rows) specs[row.slug] = toKernelspecModel(row.slug, row, interruptMode(row));
  for (const [alias, slug] of Object.entries(KERNELSPEC_ALIASES)) {
    const row = rows.find((r) => r.slug === slug);
    if (row && !specs[alias]) specs[alias] = toKernelspecModel(alias, row, interruptMode(row));
  }
  const defaultName = specs.python3 ? 'python3' : specs[DEFAULT_ENVIRONMENT_SLUG] ? DEFAULT_ENVIRONMENT_SLUG : (rows[0]?.slug ?? DEFAULT_ENVIRONMENT_SLUG);
  return { default: defaultName, kernelspecs: specs };
}

