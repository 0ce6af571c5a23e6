import { AppError } from '@/common/errors';
import type { TProject } from './get-project-access';

/**
 * A personal project is where kernels go that name no project: the gateway creates it again
 * on the owner's next such launch, so archiving or deleting it would not stick.
 */
export function refusePersonalProject(project: TProject, what: 'archived' | 'deleted'): void {
  if (project.personalOwnerId !== null) throw new AppError('BAD_REQUEST', `A personal project cannot be ${what}; it holds the kernels that name no project.`);
}
