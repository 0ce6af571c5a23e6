import { AppError } from '@/common/errors';
import type { TSignedInUser } from './authorize-credentials';

/** Domain functions call this first when only a platform admin may act. */
export function assertAdmin(actor: TSignedInUser): void {
  if (actor.role !== 'admin') throw new AppError('FORBIDDEN', 'Only administrators can do this.');
}
