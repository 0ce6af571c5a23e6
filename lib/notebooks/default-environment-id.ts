import { eq } from 'drizzle-orm';
import { DEFAULT_ENVIRONMENT_SLUG } from '@/common/environment';
import type { TDb } from '@/db/client';
import { environments } from '@/db/schema';

/** The platform's default environment, which new and imported notebooks start with (null if not seeded). */
export async function defaultEnvironmentId(db: TDb): Promise<string | null> {
  const [env] = await db.select({ id: environments.id }).from(environments).where(eq(environments.slug, DEFAULT_ENVIRONMENT_SLUG));
  return env?.id ?? null;
}
