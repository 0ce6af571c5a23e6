import { eq } from 'drizzle-orm';
import { users } from '@/db/schema';
import { Card, CardHeader } from '@/components/ui/card';
import { getDb } from '@/lib/db';
import { getMyQuota } from '@/lib/quotas/get-my-quota';
import { QuotaSummary } from './quota-summary';

/**
 * Server component: a user's limits, usage and headroom (the profile page renders it with
 * the signed-in user's id). With `projectId`, also the project's and the in-project limits.
 */
export async function MyQuota({ userId, projectId }: { userId: string; projectId?: string }) {
  const db = getDb();
  const [user] = await db.select().from(users).where(eq(users.id, userId));
  if (!user) return null;
  const quota = await getMyQuota(db, { id: user.id, email: user.email, name: user.name, role: user.role }, { projectId });
  return (
    <Card>
      <CardHeader
        title="Quota"
        description="What you may run at once, and your compute budget this month (UTC). Kernels count while they run; compute units are metered per second."
      />
      <QuotaSummary quota={quota} />
    </Card>
  );
}
