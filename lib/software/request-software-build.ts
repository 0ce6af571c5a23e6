import { eq } from 'drizzle-orm';
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
 * retries it). Builds are started by gateways (server/software), never here.
 */
export async function requestSoftwareBuild(
  db: TDb | TTx,
  software: TSoftware,
  where: { provisioner: 'local' | 'kubernetes'; image: string | null; baseEnvironmentId: string | null },
): Promise<string | null> {
  if (usesDefaultSoftware(software)) return null;
  const base = await softwareBase(db, software, where);
  const specHash = softwareSpecHash(base, software.packages);
  const [row] = await db
    .insert(softwareBuilds)
    .values({ specHash, base, requirements: software.packages })
    .onConflictDoUpdate({
      target: softwareBuilds.specHash,
      // Only a failed build starts over; a queued, running or ready one is shared as it is.
      set: { state: 'queued', step: null, error: null, log: '', builderId: null, heartbeatAt: null, startedAt: null, finishedAt: null },
      setWhere: eq(softwareBuilds.state, 'failed'),
    })
    .returning({ id: softwareBuilds.id });
  if (row) return row.id;
  const [existing] = await db.select({ id: softwareBuilds.id }).from(softwareBuilds).where(eq(softwareBuilds.specHash, specHash));
  return existing.id;
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
  const available = localPythons();
  const version = software.pythonVersion ?? available[0]?.version;
  if (!version || !available.some((p) => p.version === version)) {
    const list = available.map((p) => p.version).join(', ') || 'none';
    const what = software.pythonVersion ? `Python ${software.pythonVersion} is` : 'No Python is';
    throw new AppError('BAD_REQUEST', `Invalid environment: ${what} installed on this machine (available: ${list}).`, {
      'software.pythonVersion': `Choose one of the Python versions available here: ${list}`,
    });
  }
  return `python:${version}`;
}
