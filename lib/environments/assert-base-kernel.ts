import { and, eq, isNull } from 'drizzle-orm';
import { AppError } from '@/common/errors';
import type { TDbOrTx } from '@/db/client';
import { environments } from '@/db/schema';

/**
 * A project template's kernel must be an admin-approved one: a global template that is not
 * archived (or none: the platform's default ipykernel). Refused field by field otherwise.
 */
export async function assertBaseKernel(db: TDbOrTx, baseEnvironmentId: string | null): Promise<void> {
  if (!baseEnvironmentId) return;
  const [base] = await db
    .select({ id: environments.id })
    .from(environments)
    .where(and(eq(environments.id, baseEnvironmentId), isNull(environments.projectId), isNull(environments.archivedAt)));
  if (base) return;
  const message = 'Choose a kernel from the global environments that are not archived';
  throw new AppError('BAD_REQUEST', `Invalid environment: baseEnvironmentId: ${message}`, { baseEnvironmentId: message });
}
