import { can } from '@/common/roles';
import type { TDb } from '@/db/client';
import type { z } from 'zod';
import type { TSignedInUser } from '../auth/authorize-credentials';
import { getProjectAccess } from '../projects/get-project-access';
import { parseInput } from '../validation/parse-input';
import { getActiveEnvironments, ZDashboardInput, type TActiveEnvironment } from './get-active-environments';
import { getDailyUnits, type TDailyUnits } from './get-daily-units';
import { getIdleReserved, type TIdleReserved } from './get-idle-reserved';

/** Everything the project's overview dashboard shows, measured at one instant. */
export interface TProjectDashboard {
  at: string;
  projectId: string;
  currentUserId: string;
  /** May start kernels (editor, owner, admin). */
  canRun: boolean;
  /** May stop anyone's kernel (owner, admin); editors stop their own. */
  canStopAny: boolean;
  active: TActiveEnvironment[];
  idle: TIdleReserved;
  daily: TDailyUnits;
}

/** The project dashboard for anyone who may view the project (the page and its periodic refresh). */
export async function getProjectDashboard(
  db: TDb,
  actor: TSignedInUser,
  input: z.input<typeof ZDashboardInput>,
  opts: { now?: Date } = {},
): Promise<TProjectDashboard> {
  const { projectId } = parseInput(ZDashboardInput, input, 'dashboard request');
  const { access } = await getProjectAccess(db, actor, projectId, 'view');
  const now = opts.now ?? new Date();
  const [active, idle, daily] = await Promise.all([
    getActiveEnvironments(db, actor, { projectId }, { now }),
    getIdleReserved(db, actor, { projectId }),
    getDailyUnits(db, actor, { projectId, days: 30 }, { now }),
  ]);
  return { at: now.toISOString(), projectId, currentUserId: actor.id, canRun: can(access, 'run'), canStopAny: can(access, 'stop-any'), active, idle, daily };
}
