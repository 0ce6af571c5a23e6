import { z } from 'zod';
import { ZEnvironmentSpec, ZPlacement } from '@/common/environment';
import { SOFTWARE_BUILD_STATES } from '@/common/software';
import { ZQuotaLimits, ZQuotaScope } from '@/common/quota';
import type { TEnvironmentSummary } from '@/lib/environments/environment-summary';
import type { TAttachResult } from '@/lib/notebooks/attach-environment';
import type { TEnvironmentFit } from '@/lib/quotas/check-environment-fit';

// Each schema is typed against what its route returns, so the two cannot drift apart unnoticed.

/** A template as the environment routes return it. */
/** A template's software build as the environment routes return it. */
export const ZSoftwareBuildInfo = z.object({
  id: z.string(),
  state: z.enum(SOFTWARE_BUILD_STATES),
  step: z.string().nullable(),
  error: z.string().nullable(),
  base: z.string(),
  packages: z.string(),
  sizeBytes: z.number().nullable(),
  createdAt: z.string(),
  finishedAt: z.string().nullable(),
});

export const ZEnvironmentSummary = ZEnvironmentSpec.omit({ placement: true, software: true }).extend({
  description: z.string(),
  pythonVersion: z.string().nullable(),
  packages: z.string(),
  softwareBuild: ZSoftwareBuildInfo.nullable(),
  placement: ZPlacement,
  baseEnvironmentId: z.string().nullable(),
  projectId: z.string().nullable(),
  isDefault: z.boolean(),
  archivedAt: z.string().nullable(),
  updatedAt: z.string(),
  computeUnitsPerHour: z.number(),
  hardwareLabel: z.string(),
}) satisfies z.ZodType<TEnvironmentSummary>;

/** `GET /api/projects/{id}/environments/fit`: every template the caller may pick, and whether it fits their quotas now. */
export const ZEnvironmentFits = z.array(
  z.object({
    environment: ZEnvironmentSummary,
    fits: z.boolean(),
    blocks: z.array(z.object({ scope: ZQuotaScope, limit: ZQuotaLimits.keyof(), message: z.string() })),
  }),
) satisfies z.ZodType<TEnvironmentFit[]>;

/** `PUT /api/projects/{id}/notebooks/{id}/environment`: the notebook's new version and kernelspec. */
export const ZAttachResult = z.object({
  version: z.number().int(),
  updatedAt: z.string(),
  environment: ZEnvironmentSummary,
  kernelspec: z.object({ name: z.string(), display_name: z.string(), language: z.string() }),
}) satisfies z.ZodType<TAttachResult>;
