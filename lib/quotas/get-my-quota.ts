import { z } from 'zod';
import { headroomOf, type THeadroom, type TScopeQuota } from '@/common/quota';
import type { TDb } from '@/db/client';
import { loadQuotaState } from '@/db/quotas';
import type { TSignedInUser } from '../auth/authorize-credentials';
import { getProjectAccess } from '../projects/get-project-access';
import { parseInput } from '../validation/parse-input';

export const ZGetMyQuotaInput = z.object({ projectId: z.string().uuid('Not a project id').nullish() });

/** Matches no project: the user scope alone is wanted. */
const NO_PROJECT = '00000000-0000-0000-0000-000000000000';

/** One subject's limits, where they come from, what it uses now / this month, and what is left. */
export interface TQuotaView extends TScopeQuota {
  headroom: THeadroom;
}

export interface TMyQuota {
  /** Always the user's own limit (across all projects); with a project, also the project's and the in-project one. */
  scopes: TQuotaView[];
  at: string;
}

/** The signed-in user's limits, usage and headroom — optionally as they apply inside one project. */
export async function getMyQuota(db: TDb, actor: TSignedInUser, input: z.input<typeof ZGetMyQuotaInput> = {}): Promise<TMyQuota> {
  const { projectId } = parseInput(ZGetMyQuotaInput, input, 'quota request');
  if (projectId) await getProjectAccess(db, actor, projectId, 'view');
  const state = await loadQuotaState(db, { userId: actor.id, projectId: projectId ?? NO_PROJECT });
  const scopes = projectId ? (['user', 'project', 'project_user'] as const) : (['user'] as const);
  return {
    scopes: scopes.map((scope) => {
      const s = state.scopes[scope];
      return { scope, limits: s.limits, source: s.source, usage: s.usage, headroom: headroomOf(s.limits, s.usage) };
    }),
    at: state.at.toISOString(),
  };
}
