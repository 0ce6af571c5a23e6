import { DEFAULT_ENVIRONMENT_SLUG, hardwareLabel, type TEnvironmentSpec, type TPlacement } from '@/common/environment';
import { computeUnitsPerHour } from '@/common/metering';
import type { TEnvironmentValues } from '@/common/environment-input';
import type { TSoftwareBuildInfo } from '@/common/software';
import type { environments, softwareBuilds } from '@/db/schema';

type TEnvironmentRow = typeof environments.$inferSelect;
type TSoftwareBuildRow = typeof softwareBuilds.$inferSelect;

/** A template as pages and the API show it: stored units plus its rate and hardware label. */
export interface TEnvironmentSummary extends TEnvironmentValues {
  id: string;
  slug: string;
  /** null = global (admin-managed). */
  projectId: string | null;
  /** The platform default (`default`, aliased `python3`): editable by admins, never archived. */
  isDefault: boolean;
  archivedAt: string | null;
  updatedAt: string;
  computeUnitsPerHour: number;
  /** "Python 3 · 1 vCPU · 2 GiB" — also the kernelspec's display name. */
  hardwareLabel: string;
  /** The build of its software (null = the platform's default environment): kernels start only once it is `ready`. */
  softwareBuild: TSoftwareBuildInfo | null;
}

/** The launch snapshot a kernel keeps of its template (see `kernels.environment`). */
export function toEnvironmentSpec(row: TEnvironmentRow): TEnvironmentSpec & { placement: TPlacement } {
  return {
    id: row.id,
    slug: row.slug,
    name: row.name,
    language: row.language,
    argv: row.argv ?? null,
    image: row.image,
    cpuRequestM: row.cpuRequestM,
    cpuLimitM: row.cpuLimitM,
    memoryRequestMib: row.memoryRequestMib,
    memoryLimitMib: row.memoryLimitMib,
    gpus: row.gpus,
    spark: row.spark ?? null,
    placement: row.placement,
    idleTimeoutS: row.idleTimeoutS,
    noClientTimeoutS: row.noClientTimeoutS,
    provisioner: row.provisioner,
    poolSize: row.poolSize,
    network: row.network,
  };
}

/** The build as people see it: its state, step and error (its log is fetched on its own). */
export function toSoftwareBuildInfo(build: TSoftwareBuildRow): TSoftwareBuildInfo {
  return {
    id: build.id,
    state: build.state,
    step: build.step,
    error: build.error,
    base: build.base,
    packages: build.requirements,
    sizeBytes: build.sizeBytes,
    createdAt: build.createdAt.toISOString(),
    finishedAt: build.finishedAt?.toISOString() ?? null,
  };
}

/** `build` is the row `row.softwareBuildId` names (callers load it: see `loadSoftwareBuilds`). */
export function toEnvironmentSummary(row: TEnvironmentRow, build: TSoftwareBuildRow | null | undefined): TEnvironmentSummary {
  const spec = toEnvironmentSpec(row);
  const { id, slug, software: _snapshotOnly, ...values } = spec;
  return {
    ...values,
    id,
    slug,
    description: row.description,
    baseEnvironmentId: row.baseEnvironmentId,
    pythonVersion: row.pythonVersion,
    packages: row.packages,
    softwareBuild: build ? toSoftwareBuildInfo(build) : null,
    projectId: row.projectId,
    isDefault: slug === DEFAULT_ENVIRONMENT_SLUG,
    archivedAt: row.archivedAt?.toISOString() ?? null,
    updatedAt: row.updatedAt.toISOString(),
    computeUnitsPerHour: computeUnitsPerHour(spec),
    hardwareLabel: hardwareLabel(spec),
  };
}
