import { z } from 'zod';
import { totalRequest } from '@/common/environment';
import { checkLaunch, describeBlock, type TQuotaLimitName, type TQuotaScope } from '@/common/quota';
import type { TDb } from '@/db/client';
import { loadQuotaState } from '@/db/quotas';
import type { TSignedInUser } from '../auth/authorize-credentials';
import type { TEnvironmentSummary } from '../environments/environment-summary';
import { listEnvironments } from '../environments/list-environments';
import { parseInput } from '../validation/parse-input';

export const ZCheckEnvironmentFitInput = z.object({ projectId: z.string().uuid('Not a project id') });

export interface TEnvironmentFit {
  environment: TEnvironmentSummary;
  /** Whether the caller could launch it in this project right now. */
  fits: boolean;
  /** Each limit a launch would break, with the sentence to show ("Over your CPU quota: …"). */
  blocks: Array<{ scope: TQuotaScope; limit: TQuotaLimitName; message: string }>;
}

/**
 * For the environment picker: every template the caller may pick in a project, and whether
 * launching it now would fit their, the project's and their in-project quotas. Advisory —
 * the gateway's admission decides at launch time.
 */
export async function checkEnvironmentFit(
  db: TDb,
  actor: TSignedInUser,
  input: z.input<typeof ZCheckEnvironmentFitInput>,
): Promise<TEnvironmentFit[]> {
  const { projectId } = parseInput(ZCheckEnvironmentFitInput, input, 'environment fit request');
  const environments = await listEnvironments(db, actor, { projectId });
  const state = await loadQuotaState(db, { userId: actor.id, projectId });
  return environments.map((environment) => {
    const blocks = checkLaunch(state, totalRequest(environment)).map((b) => ({ scope: b.scope, limit: b.limit, message: describeBlock(b) }));
    return { environment, fits: blocks.length === 0, blocks };
  });
}
