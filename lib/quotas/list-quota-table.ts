import { and, eq, ilike, isNull, or } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import { z } from 'zod';
import { effectiveLimits, limitsOf, ZERO_USAGE, type TLimitSource, type TQuotaLimits, type TUsage } from '@/common/quota';
import type { TDb } from '@/db/client';
import { loadAllUsage } from '@/db/quotas';
import { projects, quotas, users } from '@/db/schema';
import { assertAdmin } from '../auth/assert-admin';
import type { TSignedInUser } from '../auth/authorize-credentials';
import type { TProjectStorageSource, TProjectStorageUse } from '../files/project-storage-use';
import { containsPattern, keysetPage, toListPage } from '../paging/keyset-page';
import { ZListQuery, type TListPage } from '../paging/list-query';
import { parseInput } from '../validation/parse-input';

export const ZQuotaRowKind = z.enum(['user', 'project', 'project_user'], { message: 'kind is user, project or project_user' });
export type TQuotaRowKind = z.infer<typeof ZQuotaRowKind>;

/** `GET /api/admin/quotas` and `/admin/quotas`: one kind of row at a time (`?kind=`), paged like every list. */
export const ZQuotaTableQuery = ZListQuery.extend({ kind: ZQuotaRowKind.default('user') });

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
  /** Project rows: the project's file storage against its limit; null on other rows. */
  storage: TProjectStorageUse | null;
}

export interface TQuotaTable extends TListPage<TQuotaTableRow> {
  kind: TQuotaRowKind;
  /** The platform setting for new users and projects; null = no default row (unlimited). */
  defaults: { user: TQuotaLimits | null; project: TQuotaLimits | null };
  /** Every project's file storage limit (LATTICE_PROJECT_STORAGE_BYTES: a setting, not edited here); null when not asked for. */
  projectStorageLimitBytes: number | null;
  at: string;
}

/**
 * The defaults, then one page of users, projects or per-user limits inside single projects
 * (`kind`), each with its effective limits and usage against them; project rows also with
 * their file storage against its limit when `opts.projectStorage` reads it. Search matches name and email (users), name and slug
 * (projects), user or project name (in-project limits). Deleted users and projects are left
 * out. Admins only.
 */
export async function listQuotaTable(db: TDb, actor: TSignedInUser, input: z.input<typeof ZQuotaTableQuery> = {}, opts: { now?: Date; projectStorage?: TProjectStorageSource } = {}): Promise<TQuotaTable> {
  assertAdmin(actor);
  const query = parseInput(ZQuotaTableQuery, input, 'list query');
  const now = opts.now ?? new Date();
  const pattern = query.q ? containsPattern(query.q) : null;
  const defaultRows = await db.select().from(quotas).where(or(eq(quotas.scope, 'default_user'), eq(quotas.scope, 'default_project')));
  const defaultUser = defaultRows.find((r) => r.scope === 'default_user');
  const defaultProject = defaultRows.find((r) => r.scope === 'default_project');
  // Usage is summed over active kernels and this month's metering, which grow with kernels, not with users or projects.
  const { byUser, byProject, byPair } = await loadAllUsage(db, now);
  let page: TListPage<TQuotaTableRow>;

  if (query.kind === 'user') {
    const keyset = keysetPage({ name: users.name, created: users.createdAt, id: users.id }, query);
    const own = alias(quotas, 'own');
    const rows = await db
      .select({ user: users, own, sortKey: keyset.sortKey, id: users.id })
      .from(users)
      .leftJoin(own, and(eq(own.scope, 'user'), eq(own.userId, users.id)))
      .where(and(isNull(users.deletedAt), pattern ? or(ilike(users.name, pattern), ilike(users.email, pattern)) : undefined, keyset.after))
      .orderBy(...keyset.orderBy)
      .limit(keyset.limit);
    page = toListPage(rows, query, ({ user: u, own }) => ({
      kind: 'user',
      key: u.id,
      userId: u.id,
      projectId: null,
      name: u.name,
      detail: u.email,
      personal: false,
      disabled: u.disabledAt !== null,
      ...effectiveLimits(own ?? undefined, defaultUser),
      usage: byUser.get(u.id) ?? { ...ZERO_USAGE },
      storage: null,
    }));
  } else if (query.kind === 'project') {
    const keyset = keysetPage({ name: projects.name, created: projects.createdAt, id: projects.id }, query);
    const own = alias(quotas, 'own');
    const rows = await db
      .select({ project: projects, own, sortKey: keyset.sortKey, id: projects.id })
      .from(projects)
      .leftJoin(own, and(eq(own.scope, 'project'), eq(own.projectId, projects.id)))
      .where(and(isNull(projects.deletedAt), pattern ? or(ilike(projects.name, pattern), ilike(projects.slug, pattern)) : undefined, keyset.after))
      .orderBy(...keyset.orderBy)
      .limit(keyset.limit);
    page = toListPage(rows, query, ({ project: p, own }) => ({
      kind: 'project',
      key: p.id,
      userId: null,
      projectId: p.id,
      name: p.name,
      detail: p.slug,
      personal: p.personalOwnerId !== null,
      disabled: false,
      ...effectiveLimits(own ?? undefined, defaultProject),
      usage: byProject.get(p.id) ?? { ...ZERO_USAGE },
      storage: null,
    }));
    if (opts.projectStorage) {
      const storage = await opts.projectStorage.use(page.items.map((r) => r.key));
      for (const row of page.items) row.storage = storage.get(row.key) ?? null;
    }
  } else {
    // In-project limits sort by the user's name, or by when the limit was last set.
    const keyset = keysetPage({ name: users.name, created: quotas.updatedAt, id: quotas.id }, query);
    const rows = await db
      .select({ quota: quotas, userName: users.name, projectName: projects.name, sortKey: keyset.sortKey, id: quotas.id })
      .from(quotas)
      .innerJoin(users, eq(users.id, quotas.userId))
      .innerJoin(projects, eq(projects.id, quotas.projectId))
      .where(
        and(
          eq(quotas.scope, 'project_user'),
          isNull(users.deletedAt),
          isNull(projects.deletedAt),
          pattern ? or(ilike(users.name, pattern), ilike(users.email, pattern), ilike(projects.name, pattern)) : undefined,
          keyset.after,
        ),
      )
      .orderBy(...keyset.orderBy)
      .limit(keyset.limit);
    page = toListPage(rows, query, ({ quota: r, userName, projectName }) => ({
      kind: 'project_user',
      key: `${r.projectId}:${r.userId}`,
      userId: r.userId,
      projectId: r.projectId,
      name: `${userName} · ${projectName}`,
      detail: 'in-project limit',
      personal: false,
      disabled: false,
      limits: limitsOf(r),
      source: 'explicit',
      usage: byPair.get(`${r.projectId}:${r.userId}`) ?? { ...ZERO_USAGE },
      storage: null,
    }));
  }
  return {
    ...page,
    kind: query.kind,
    defaults: { user: defaultUser ? limitsOf(defaultUser) : null, project: defaultProject ? limitsOf(defaultProject) : null },
    projectStorageLimitBytes: opts.projectStorage?.limitBytes ?? null,
    at: now.toISOString(),
  };
}
