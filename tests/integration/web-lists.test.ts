/**
 * Lists at scale (issue 14 §3): the projects list, the admin users list and the quotas table
 * are paged on the server with keyset cursors, searched and sorted there; archived and
 * deleted projects and deleted users stay out of them; new users and projects get the finite
 * default quotas of migration 0008.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { eq, sql } from 'drizzle-orm';
import { loadProjectLimits } from '../../db/quotas';
import { projects, users } from '../../db/schema';
import type { TSignedInUser } from '../../lib/auth/authorize-credentials';
import { createProject } from '../../lib/projects/create-project';
import { listProjects } from '../../lib/projects/list-projects';
import { getMyQuota } from '../../lib/quotas/get-my-quota';
import { listQuotaTable } from '../../lib/quotas/list-quota-table';
import { createUser } from '../../lib/users/create-user';
import { listUsers } from '../../lib/users/list-users';
import { createTestDatabase, type TTestDatabase } from '../helpers/postgres';
import { insertUser, refusal } from '../helpers/web-fixtures';

let t: TTestDatabase;
let admin: TSignedInUser;
let member: TSignedInUser;

/** 260 users: 120 named "Twin" (ties on the name key) and all 260 sharing one created_at (ties on the other). */
const SEEDED_USERS = 260;
/** 30 projects, 12 of them named "Same" in different cases; the member belongs to every third. */
const SEEDED_PROJECTS = 30;

type TPageFn = (input: { sort?: 'name' | 'created'; order?: 'asc' | 'desc'; cursor?: string; limit?: number; q?: string }) => Promise<{ items: Array<{ id: string }>; nextCursor: string | null }>;

/** Follows nextCursor to the end, `limit` rows a page. */
async function walk(list: TPageFn, input: Parameters<TPageFn>[0]): Promise<{ ids: string[]; pages: number }> {
  const ids: string[] = [];
  let cursor: string | undefined;
  let pages = 0;
  do {
    const page = await list({ ...input, cursor });
    assert.ok(page.items.length <= (input.limit ?? 50));
    ids.push(...page.items.map((i) => i.id));
    cursor = page.nextCursor ?? undefined;
    pages++;
  } while (cursor && pages < 1000);
  return { ids, pages };
}

before(async () => {
  t = await createTestDatabase();
  admin = await insertUser(t.db, 'root@example.com', 'admin');
  member = await insertUser(t.db, 'member@example.com');
  // One statement each: every seeded row gets the same now(), so created_at ties everywhere.
  await t.db.execute(sql`
    insert into users (email, name, password_hash, role)
    select 'seed' || g || '@example.com', case when g % 2 = 0 and g <= 240 then 'Twin' else 'Person ' || g end, 'x', 'member'
    from generate_series(1, ${SEEDED_USERS}) g`);
  await t.db.execute(sql`
    insert into projects (name, slug)
    select case when g <= 12 then (case when g % 2 = 0 then 'Same' else 'SAME' end) else 'Project ' || g end, 'slug-' || g
    from generate_series(1, ${SEEDED_PROJECTS}) g`);
  await t.db.execute(sql`
    insert into project_members (project_id, user_id, role)
    select p.id, ${member.id}::uuid, 'viewer' from projects p where substring(p.slug from 6)::int % 3 = 0`);
});
after(() => t.drop());

describe('keyset paging', () => {
  for (const sort of ['name', 'created'] as const) {
    for (const order of ['asc', 'desc'] as const) {
      test(`users by ${sort} ${order}: every user exactly once, in order, across pages with ties`, async () => {
        const { ids, pages } = await walk((i) => listUsers(t.db, admin, i), { sort, order, limit: 7 });
        assert.equal(ids.length, SEEDED_USERS + 2);
        assert.equal(new Set(ids).size, ids.length, 'no user shown twice');
        assert.equal(pages, Math.ceil((SEEDED_USERS + 2) / 7));
        // The order Postgres gives the whole table under the same keys, ties broken by id.
        const key = sort === 'name' ? sql`lower(${users.name})` : sql`${users.createdAt}`;
        const dir = sql.raw(order);
        const expected = await t.db.select({ id: users.id }).from(users).orderBy(sql`${key} ${dir}`, sql`${users.id} ${dir}`);
        assert.deepEqual(ids, expected.map((u) => u.id));
      });

      test(`projects by ${sort} ${order}: the same rows as one big page, in the same order`, async () => {
        const { ids } = await walk((i) => listProjects(t.db, admin, i), { sort, order, limit: 4 });
        const whole = await listProjects(t.db, admin, { sort, order, limit: 200 });
        assert.equal(whole.nextCursor, null);
        assert.deepEqual(ids, whole.items.map((p) => p.id));
        assert.equal(ids.length, SEEDED_PROJECTS);
      });
    }
  }

  test('name order is case-insensitive and the two orders are mirror images', async () => {
    const asc = (await listProjects(t.db, admin, { limit: 200 })).items;
    const desc = (await listProjects(t.db, admin, { order: 'desc', limit: 200 })).items;
    assert.deepEqual(desc.map((p) => p.id), [...asc].reverse().map((p) => p.id));
    const sameFirst = asc.findIndex((p) => p.name.toLowerCase() === 'same');
    assert.ok(asc.slice(sameFirst, sameFirst + 12).every((p) => p.name.toLowerCase() === 'same'), '"Same" and "SAME" sort together');
  });

  test('a member pages through their own projects only', async () => {
    const { ids } = await walk((i) => listProjects(t.db, member, i), { limit: 3 });
    assert.equal(ids.length, SEEDED_PROJECTS / 3);
    const slugs = (await t.db.select().from(projects)).filter((p) => ids.includes(p.id)).map((p) => Number(p.slug.slice(5)));
    assert.ok(slugs.every((n) => n % 3 === 0));
  });

  test('the limit defaults to 50 and is capped at 200', async () => {
    assert.equal((await listUsers(t.db, admin)).items.length, 50);
    const big = await listUsers(t.db, admin, { limit: 100_000 });
    assert.equal(big.items.length, 200);
    assert.ok(big.nextCursor);
  });

  test('a bad cursor, a cursor from another sort, or a bad limit is a 400 that says what to do', async () => {
    const garbage = await refusal(listUsers(t.db, admin, { cursor: 'not-a-cursor' }));
    assert.equal(garbage.code, 'BAD_REQUEST');
    assert.match(garbage.message, /cursor .*start again from the first page/);
    const { nextCursor } = await listUsers(t.db, admin, { sort: 'created', limit: 5 });
    const crossed = await refusal(listUsers(t.db, admin, { sort: 'name', cursor: nextCursor! }));
    assert.match(crossed.message, /another sort order/);
    const flipped = await refusal(listProjects(t.db, admin, { sort: 'created', order: 'desc', cursor: nextCursor! }));
    assert.equal(flipped.code, 'BAD_REQUEST');
    const zero = await refusal(listUsers(t.db, admin, { limit: 0 }));
    assert.equal(zero.fields?.limit, 'The limit must be at least 1');
    assert.equal((await refusal(listUsers(t.db, admin, { sort: 'email' as 'name' }))).code, 'BAD_REQUEST');
  });
});

describe('search', () => {
  test('users match name or email, case-insensitively, anywhere in the text', async () => {
    const twins = await walk((i) => listUsers(t.db, admin, i), { q: 'tWiN', limit: 50 });
    assert.equal(twins.ids.length, 120);
    const byEmail = (await listUsers(t.db, admin, { q: 'SEED25@' })).items;
    assert.deepEqual(byEmail.map((u) => u.email), ['seed25@example.com']);
  });

  test('projects match name or slug; wildcards in the search are literal', async () => {
    assert.equal((await listProjects(t.db, admin, { q: 'same', limit: 200 })).items.length, 12);
    assert.deepEqual((await listProjects(t.db, admin, { q: 'SLUG-29' })).items.map((p) => p.slug), ['slug-29']);
    assert.equal((await listProjects(t.db, admin, { q: '%' })).items.length, 0);
    assert.equal((await listProjects(t.db, admin, { q: 'slug_1' })).items.length, 0);
    const paged = await walk((i) => listProjects(t.db, admin, i), { q: 'project', sort: 'created', limit: 5 });
    assert.equal(paged.ids.length, SEEDED_PROJECTS - 12);
  });

  test('a search with a control character is refused naming the field', async () => {
    const err = await refusal(listUsers(t.db, admin, { q: 'a\u0000b' }));
    assert.ok(err.fields?.q);
  });
});

describe('archived and deleted', () => {
  test('projects: deleted never show; archived only under the Archived filter', async () => {
    const [archived, deleted, both] = (await listProjects(t.db, admin, { q: 'slug-3', limit: 200 })).items; // slug-3, slug-30 — and one more below
    assert.ok(archived && deleted);
    const extra = await createProject(t.db, admin, { name: 'Gone and archived' });
    await t.db.update(projects).set({ archivedAt: new Date() }).where(eq(projects.id, archived.id));
    await t.db.update(projects).set({ deletedAt: new Date() }).where(eq(projects.id, deleted.id));
    await t.db.update(projects).set({ archivedAt: new Date(), deletedAt: new Date() }).where(eq(projects.id, extra.id));
    assert.equal(both, undefined);
    const active = (await listProjects(t.db, admin, { limit: 200 })).items.map((p) => p.id);
    assert.ok(!active.includes(archived.id) && !active.includes(deleted.id) && !active.includes(extra.id));
    const shelf = (await listProjects(t.db, admin, { archived: 'true', limit: 200 })).items.map((p) => p.id);
    assert.deepEqual(shelf, [archived.id]);
    // The member belongs to slug-3 and slug-30: they see the archived one under the filter only.
    assert.ok(!(await listProjects(t.db, member, { limit: 200 })).items.some((p) => p.id === archived.id));
    assert.deepEqual((await listProjects(t.db, member, { archived: 'true' })).items.map((p) => p.id), [archived.id]);
    const quotaProjects = (await listQuotaTable(t.db, admin, { kind: 'project', limit: 200 })).items.map((r) => r.projectId);
    assert.ok(!quotaProjects.includes(deleted.id) && quotaProjects.includes(archived.id));
    assert.equal((await refusal(listProjects(t.db, admin, { archived: 'yes' as 'true' }))).code, 'BAD_REQUEST');
  });

  test('deleted users leave the users list and the quotas table', async () => {
    const gone = await insertUser(t.db, 'gone@example.com');
    assert.equal((await listUsers(t.db, admin, { q: 'gone@' })).items.length, 1);
    await t.db.update(users).set({ deletedAt: new Date() }).where(eq(users.id, gone.id));
    assert.equal((await listUsers(t.db, admin, { q: 'gone@' })).items.length, 0);
    assert.equal((await listQuotaTable(t.db, admin, { q: 'gone@' })).items.length, 0);
  });
});

describe('the quotas table', () => {
  test('pages each kind on its own and searches it', async () => {
    const first = await listQuotaTable(t.db, admin, { limit: 10 });
    assert.equal(first.kind, 'user');
    assert.equal(first.items.length, 10);
    assert.ok(first.items.every((r) => r.kind === 'user'));
    const { ids } = await walk(async (i) => {
      const page = await listQuotaTable(t.db, admin, { ...i, kind: 'user' });
      return { items: page.items.map((r) => ({ id: r.key })), nextCursor: page.nextCursor };
    }, { limit: 40, sort: 'created', order: 'desc' });
    assert.equal(ids.length, new Set(ids).size);
    assert.equal(ids.length, (await t.db.select().from(users).where(sql`deleted_at is null`)).length);
    const twins = await listQuotaTable(t.db, admin, { kind: 'user', q: 'twin', limit: 200 });
    assert.equal(twins.items.length, 120);
    assert.deepEqual((await listQuotaTable(t.db, admin, { kind: 'project', q: 'slug-29' })).items.map((r) => r.detail), ['slug-29']);
    assert.equal((await refusal(listQuotaTable(t.db, admin, { kind: 'everything' as 'user' }))).code, 'BAD_REQUEST');
  });
});

describe('finite default quotas', () => {
  test('a new user and a new project get the platform defaults, shown on the quotas page', async () => {
    const { user } = await createUser(t.db, admin, { email: 'newcomer@example.com', name: 'Newcomer' });
    const mine = await getMyQuota(t.db, { id: user.id, email: user.email, name: user.name, role: user.role });
    assert.equal(mine.scopes[0].source, 'default');
    assert.deepEqual(mine.scopes[0].limits, { cpuM: 8000, memoryMib: 32768, gpus: 0, kernels: 4, monthlyUnits: null });
    const project = await createProject(t.db, admin, { name: 'Fresh project' });
    assert.deepEqual(await loadProjectLimits(t.db, project.id), { cpuM: 16000, memoryMib: 65536, gpus: 0, kernels: 8, monthlyUnits: null });
    const table = await listQuotaTable(t.db, admin, { q: 'newcomer' });
    assert.deepEqual(table.defaults.user, mine.scopes[0].limits);
    assert.equal(table.items[0]?.source, 'default');
    assert.equal(table.defaults.project?.kernels, 8);
  });
});
