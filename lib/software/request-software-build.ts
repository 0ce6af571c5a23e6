import { eq, sql } from 'drizzle-orm';
import { localPythons } from '@/common/local-pythons';
import { AppError } from '@/common/errors';
import { usesDefaultSoftware, type TSoftware, type TSoftwareBase } from '@/common/software';
import { softwareSpecHash } from '@/common/software-identity';
import type { TDb } from '@/db/client';
import { environments, softwareBuilds } from '@/db/schema';

type TTx = Parameters<Parameters<TDb['transaction']>[0]>[0];

/**
 * The build a template's software needs: null for the platform's default environment, else the
 * row of its definition, queued for a gateway to build when it is new. Equal definitions share
 * a row (and a failed one is queued again, so fixing the index or the network and saving
 * retries it). Builds are started by gateways (server/software), never here. Call it in the
 * transaction that stores the template.
 */
export async function requestSoftwareBuild(
  db: TDb | TTx,
  software: TSoftware,
  where: { provisioner: 'local' | 'kubernetes'; image: string | null; baseEnvironmentId: string | null },
): Promise<string | null> {
  if (usesDefaultSoftware(software)) return null;
  const base = await softwareBase(db, software, where);
  const specHash = softwareSpecHash(base, software.packages);
  // Always an update on conflict, so the row is locked until the caller's transaction names it
  // (software garbage collection skips locked rows); only a failed build starts over.
  const failed = sql`${softwareBuilds.state} = 'failed'`;
  const [row] = await db
    .insert(softwareBuilds)
    .values({ specHash, base, requirements: software.packages })
    .onConflictDoUpdate({
      target: softwareBuilds.specHash,
      set: {
        state: sql`case when ${failed} then 'queued' else ${softwareBuilds.state} end`,
        step: sql`case when ${failed} then null else ${softwareBuilds.step} end`,
        error: sql`case when ${failed} then null else ${softwareBuilds.error} end`,
        log: sql`case when ${failed} then '' else ${softwareBuilds.log} end`,
        finishedAt: sql`case when ${failed} then null else ${softwareBuilds.finishedAt} end`,
      },
    })
    .returning({ id: softwareBuilds.id });
  return row.id;
}

async function softwareBase(
  db: TDb | TTx,
  software: TSoftware,
  where: { provisioner: 'local' | 'kubernetes'; image: string | null; baseEnvironmentId: string | null },
): Promise<TSoftwareBase> {
  if (where.provisioner === 'kubernetes') {
    // A project template runs its base kernel's image; `image:` alone is the gateway's default.
    let image = where.image;
    if (!image && where.baseEnvironmentId) {
      const [base] = await db.select({ image: environments.image }).from(environments).where(eq(environments.id, where.baseEnvironmentId));
      image = base?.image ?? null;
    }
    return `image:${image ?? ''}`;
  }
  // The web usually shares the gateway's machine and checks the version here, in the form's
  // words. A web with no Python of its own (a container apart) cannot tell: the build checks it.
  const available = localPythons();
  const version = software.pythonVersion ?? available[0]?.version;
  if (!version || (available.length > 0 && !available.some((p) => p.version === version))) {
    const list = available.map((p) => p.version).join(', ');
    throw new AppError('BAD_REQUEST', version ? `Invalid environment: Python ${version} is not installed on this machine (available: ${list}).` : 'Invalid environment: choose a Python version for its packages.', {
      'software.pythonVersion': version ? `Choose one of the Python versions available here: ${list}` : 'Choose a Python version',
    });
  }
  return `python:${version}`;
}
