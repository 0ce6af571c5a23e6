import { randomBytes } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { DEFAULT_ENVIRONMENT_SLUG } from '../common/environment';
import type { TDb } from './client';
import { hashPassword } from './passwords';
import { environments, users } from './schema';

/** The default environment every notebook starts with: "Python 3 · 1 vCPU · 2 GiB", local. */
export async function seedDefaultEnvironment(db: TDb): Promise<void> {
  await db
    .insert(environments)
    .values({
      slug: DEFAULT_ENVIRONMENT_SLUG,
      name: 'Python 3',
      description: 'Python 3 with ipykernel on the local provisioner',
      language: 'python',
      cpuRequestM: 500,
      cpuLimitM: 1000,
      memoryRequestMib: 1024,
      memoryLimitMib: 2048,
      gpus: 0,
      idleTimeoutS: 3600,
      provisioner: 'local',
      poolSize: 0,
      network: 'egress',
    })
    .onConflictDoNothing({ target: environments.slug });
}

/**
 * Creates the first admin when there is no user at all. Returns the generated password
 * (to print once) when none was given; null when an admin already existed.
 */
export async function seedAdmin(
  db: TDb,
  opts: { email: string; password?: string },
): Promise<{ email: string; password: string; generated: boolean } | null> {
  const [anyUser] = await db.select({ id: users.id }).from(users).limit(1);
  if (anyUser) return null;
  const generated = !opts.password;
  const password = opts.password ?? randomBytes(12).toString('base64url');
  const [existing] = await db.select({ id: users.id }).from(users).where(eq(users.email, opts.email));
  if (!existing) {
    // A generated password is printed to the console (and logs): it must be replaced. One the
    // operator chose (LATTICE_ADMIN_PASSWORD) is theirs to keep.
    await db
      .insert(users)
      .values({ email: opts.email.toLowerCase(), name: 'Administrator', role: 'admin', passwordHash: await hashPassword(password), mustChangePassword: generated });
  }
  return { email: opts.email.toLowerCase(), password, generated };
}
