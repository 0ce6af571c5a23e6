import { eq } from 'drizzle-orm';
import type { TDb } from '../../db/client';
import { users } from '../../db/schema';
import type { TCaller } from '../auth/caller';

/** Where a `DELETE /api/kernels/{id}` came from: the web says `dashboard` or `notebook`; anything else is a Jupyter client. */
export type TStopOrigin = 'dashboard' | 'notebook' | 'jupyter-client';

const FROM: Record<TStopOrigin, string> = {
  dashboard: 'from the dashboard',
  notebook: 'from a notebook',
  'jupyter-client': 'from a Jupyter client',
};

/** The `detail` of a kernel a person stopped: "Stopped by Ada Lovelace from the dashboard" (their email if they have no name). */
export async function stoppedByDetail(db: TDb, caller: TCaller, from: TStopOrigin): Promise<string> {
  const [row] = await db.select({ name: users.name }).from(users).where(eq(users.id, caller.userId)).limit(1);
  return `Stopped by ${row?.name?.trim() || caller.email} ${FROM[from]}`;
}
