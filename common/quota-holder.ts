import { z } from 'zod';

/**
 * A running kernel that holds a concurrent-kernel slot a refused launch needed, as the refusal
 * names it (`holders` in the QUOTA_EXCEEDED body of `POST /api/kernels`). Only kernels the
 * caller may see: their own and, for a project limit, the project's.
 */
export const ZQuotaHolder = z.object({
  kernelId: z.string(),
  projectId: z.string(),
  notebookId: z.string().nullable(),
  /** Null for a kernel started without a notebook (a Jupyter client). */
  notebookName: z.string().nullable(),
  environmentName: z.string(),
  userName: z.string(),
  /** ISO 8601: when it became ready, or was asked for if it is still starting. */
  startedAt: z.string(),
  /** Whether the caller may stop it (their own, or any as a project owner). */
  canStop: z.boolean(),
});
export type TQuotaHolder = z.infer<typeof ZQuotaHolder>;

/** The part of a QUOTA_EXCEEDED error body that names the holders (absent when no kernel-count limit was hit). */
export const ZQuotaHolders = z.looseObject({ holders: z.array(ZQuotaHolder) });
