import { asc } from 'drizzle-orm';
import { effectiveLimits, limitsOf, ZERO_USAGE, type TLimitSource, type TQuotaLimits, type TUsage } from '@/common/quota';
import type { TDb } from '@/db/client';
import { listQuotaRows, loadAllUsage } from '@/db/quotas';
import { projects, users } from '@/db/schema';
import { assertAdmin } from '../auth/assert-admin';
import type { TSignedInUser } from '../auth/authorize-credentials';

export type TQuotaRowKind = 'user' | 'project' | 'project_user';

/** One line of the admin quotas table. */
export interface TQuotaTableRow {
  kind: TQuotaRowKind;
  /** Stable key: the user or project id, or "projectId:userId". */
  key: string;
  userId: string | null;
  projectId: string | null;
  /** User name, project name, or "User · Project" for in-project limits. */
  name: string;
  /** Email for users, slug for projects. */
  detail: string;
  personal: boolean;
  disabled: boolean;
  limits: TQuotaLimits;
  source: TLimitSource;
  usage: TUsage;
}

export interface TQuotaTable {
  /** null = no default row (new subjects are unlimited). */
  defaults: { user: TQuotaLimits | null; project: TQuotaLimits | null };
  rows: TQuotaTableRow[];
  at: string;
}

/**
 * Every user and every project with its effective limits and usage against each, plus the
 * per-user limits set inside single projects and the defaults. Admins only.
 */
export async function listQuotaTable(db: TDb, actor: TSignedInUser, opts: { now?: Date } = {}): Promise<TQuotaTable> {
  assertAdmin(actor);
  const now = opts.now ?? new Date();
  const allUsers = await db.select().from(users).orderBy(asc(users.name));
  const allProjects = await db.select().from(projects).orderBy(asc(projects.name));
  const rows = await listQuotaRows(db);
  const { byUser, byProject, byPair } = await loadAllUsage(db, now);
  const explicit = new Map(rows.map((r) => [`${r.scope}:${r.projectId ?? ''}:${r.userId ?? ''}`, r]));
  const defaultUser = explicit.get('default_user::');
  const defaultProject = explicit.get('default_project::');
  const userName = new Map(allUsers.map((u) => [u.id, u.name]));
  const projectName = new Map(allProjects.map((p) => [p.id, p.name]));

  const table: TQuotaTableRow[] = [
    ...allUsers.map((u) => ({
      kind: 'user' as const,
      key: u.id,
      userId: u.id,
      projectId: null,
      name: u.name,
      detail: u.email,
      personal: false,
      disabled: u.disabledAt !== null,
      ...effectiveLimits(explicit.get(`user::${u.id}`), defaultUser),
      usage: byUser.get(u.id) ?? { ...ZERO_USAGE },
    })),
    ...allProjects.map((p) => ({
      kind: 'project' as const,
      key: p.id,
      userId: null,
      projectId: p.id,
      name: p.name,
      detail: p.slug,
      personal: p.personalOwnerId !== null,
      disabled: false,
      ...effectiveLimits(explicit.get(`project:${p.id}:`), defaultProject),
      usage: byProject.get(p.id) ?? { ...ZERO_USAGE },
    })),
    ...rows
      .filter((r) => r.scope === 'project_user' && r.projectId && r.userId)
      .map((r) => ({
        kind: 'project_user' as const,
        key: `${r.projectId}:${r.userId}`,
        userId: r.userId,
        projectId: r.projectId,
        name: `${userName.get(r.userId!) ?? 'Unknown user'} · ${projectName.get(r.projectId!) ?? 'Unknown project'}`,
        detail: 'in-project limit',
        personal: false,
        disabled: false,
        limits: limitsOf(r),
        source: 'explicit' as const,
        usage: byPair.get(`${r.projectId}:${r.userId}`) ?? { ...ZERO_USAGE },
      })),
  ];
  return {
    defaults: { user: defaultUser ? limitsOf(defaultUser) : null, project: defaultProject ? limitsOf(defaultProject) : null },
    rows: table,
    at: now.toISOString(),
  };
}
