/**
 * Sign-in sessions and account actions against a real Postgres: what each revocation ends and
 * keeps, password changes, and deleting a user with their history kept.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { eq } from 'drizzle-orm';
import { verifyPassword } from '../../db/passwords';
import { apiTokens, kernels, projectMembers, users, webSessions } from '../../db/schema';
import type { TSignedInUser } from '../../lib/auth/authorize-credentials';
import { authorizeCredentials } from '../../lib/auth/authorize-credentials';
import { mintBrowserToken } from '../../lib/auth/mint-browser-token';
import { revokeSessions } from '../../lib/auth/revoke-sessions';
import { startWebSession } from '../../lib/auth/start-web-session';
import { SYSTEM_ACTOR } from '../../lib/auth/system-actor';
import { getActiveEnvironments } from '../../lib/dashboard/get-active-environments';
import { changeMyPassword } from '../../lib/users/change-my-password';
import { createUser } from '../../lib/users/create-user';
import { deleteUser } from '../../lib/users/delete-user';
import { listUsers } from '../../lib/users/list-users';
import { resetUserPassword } from '../../lib/users/reset-user-password';
import { setUserDisabled } from '../../lib/users/set-user-disabled';
import { environmentSpec } from '../helpers/environment-spec';
import { addMember, createProject, createToken } from '../helpers/gateway';
import { createTestDatabase, type TTestDatabase } from '../helpers/postgres';
import { refusal } from '../helpers/web-fixtures';

let t: TTestDatabase;
let admin: TSignedInUser;
let n = 0;

before(async () => {
  t = await createTestDatabase();
  admin = (await createUser(t.db, SYSTEM_ACTOR, { email: 'admin@sessions.test', name: 'Ada', role: 'admin', password: 'admin-password' })).user;
});
after(() => t.drop());

async function newUser(password = 'first-password'): Promise<TSignedInUser> {
  const { user } = await createUser(t.db, SYSTEM_ACTOR, { email: `user${++n}@sessions.test`, name: `User ${n}`, password });
  return user;
}

/** A sign-in of `user` with a browser token minted for it. */
async function signedIn(user: TSignedInUser) {
  const sessionId = await startWebSession(t.db, user.id);
  await t.db.update(users).set({ mustChangePassword: false }).where(eq(users.id, user.id));
  const { token } = await mintBrowserToken(t.db, { ...user, sessionId }, { ttlS: 600 });
  return { ...user, sessionId, token };
}

const sessionRevoked = async (id: string) => !!(await t.db.select().from(webSessions).where(eq(webSessions.id, id)))[0]!.revokedAt;
async function tokenRevoked(userId: string, kind: 'browser' | 'personal', sessionId?: string): Promise<boolean[]> {
  const rows = await t.db.select().from(apiTokens).where(eq(apiTokens.userId, userId));
  return rows.filter((r) => r.kind === kind && (sessionId === undefined || r.sessionId === sessionId)).map((r) => !!r.revokedAt);
}

describe('revokeSessions', () => {
  test('one session: only it and its browser tokens end', async () => {
    const u = await newUser();
    const a = await signedIn(u);
    const b = await signedIn(u);
    await revokeSessions(t.db, u.id, { session: a.sessionId });
    assert.deepEqual([await sessionRevoked(a.sessionId), await sessionRevoked(b.sessionId)], [true, false]);
    assert.deepEqual(await tokenRevoked(u.id, 'browser', a.sessionId), [true]);
    assert.deepEqual(await tokenRevoked(u.id, 'browser', b.sessionId), [false]);
    await assert.rejects(mintBrowserToken(t.db, a, { ttlS: 60 }), { code: 'UNAUTHENTICATED' });
  });

  test('all but one, personal tokens kept; or everything', async () => {
    const u = await newUser();
    const a = await signedIn(u);
    const b = await signedIn(u);
    await createToken(t.db, u.id);
    await revokeSessions(t.db, u.id, { allSessionsExcept: a.sessionId, personalTokens: false });
    assert.deepEqual([await sessionRevoked(a.sessionId), await sessionRevoked(b.sessionId)], [false, true]);
    assert.deepEqual(await tokenRevoked(u.id, 'browser', a.sessionId), [false]);
    assert.deepEqual(await tokenRevoked(u.id, 'browser', b.sessionId), [true]);
    assert.deepEqual(await tokenRevoked(u.id, 'personal'), [false]);
    await revokeSessions(t.db, u.id, { personalTokens: true });
    assert.equal(await sessionRevoked(a.sessionId), true);
    assert.deepEqual(await tokenRevoked(u.id, 'browser'), [true, true]);
    assert.deepEqual(await tokenRevoked(u.id, 'personal'), [true]);
  });
});

describe('passwords', () => {
  test('users an admin creates must change their password; browser tokens are refused until they do', async () => {
    const { user: u } = await createUser(t.db, admin, { email: `user${++n}@sessions.test`, name: 'Typed by admin', password: 'first-password' });
    const [row] = await t.db.select().from(users).where(eq(users.id, u.id));
    assert.equal(row!.mustChangePassword, true);
    const sessionId = await startWebSession(t.db, u.id);
    await assert.rejects(mintBrowserToken(t.db, { ...u, sessionId }, { ttlS: 60 }), { code: 'PASSWORD_CHANGE_REQUIRED' });
    await changeMyPassword(t.db, { ...u, sessionId }, { currentPassword: 'first-password', newPassword: 'second-password' });
    const [after] = await t.db.select().from(users).where(eq(users.id, u.id));
    assert.equal(after!.mustChangePassword, false);
    assert.ok(await mintBrowserToken(t.db, { ...u, sessionId }, { ttlS: 60 }));
    const { user: generated } = await createUser(t.db, admin, { email: `user${++n}@sessions.test`, name: 'Generated' });
    assert.equal((await t.db.select().from(users).where(eq(users.id, generated.id)))[0]!.mustChangePassword, true);
  });

  test('a wrong current password is a 400 naming the field and counts against the account; nothing ends', async () => {
    const u = await newUser();
    const a = await signedIn(u);
    const b = await signedIn(u);
    const err = await refusal(changeMyPassword(t.db, a, { currentPassword: 'wrong', newPassword: 'second-password' }));
    assert.equal(err.status, 400);
    assert.ok(err.fields?.currentPassword);
    assert.equal(await sessionRevoked(b.sessionId), false);
    const same = await refusal(changeMyPassword(t.db, a, { currentPassword: 'first-password', newPassword: 'first-password' }));
    assert.ok(same.fields?.newPassword);
    const short = await refusal(changeMyPassword(t.db, a, { currentPassword: 'first-password', newPassword: 'short' }));
    assert.ok(short.fields?.newPassword);
  });

  test('the right one: other sessions and their browser tokens end, this one and personal tokens stay', async () => {
    const u = await newUser();
    const a = await signedIn(u);
    const b = await signedIn(u);
    await createToken(t.db, u.id);
    await changeMyPassword(t.db, a, { currentPassword: 'first-password', newPassword: 'second-password' });
    assert.deepEqual([await sessionRevoked(a.sessionId), await sessionRevoked(b.sessionId)], [false, true]);
    assert.deepEqual(await tokenRevoked(u.id, 'browser', b.sessionId), [true]);
    assert.deepEqual(await tokenRevoked(u.id, 'browser', a.sessionId), [false]);
    assert.deepEqual(await tokenRevoked(u.id, 'personal'), [false]);
    await assert.rejects(authorizeCredentials(t.db, { email: u.email, password: 'first-password' }, '10.9.0.1'));
    assert.equal((await authorizeCredentials(t.db, { email: u.email, password: 'second-password' }, '10.9.0.1')).id, u.id);
  });

  test('an admin reset gives a one-time password that must be changed, and ends every session', async () => {
    const u = await newUser();
    const a = await signedIn(u);
    const { password } = await resetUserPassword(t.db, admin, { userId: u.id });
    const [row] = await t.db.select().from(users).where(eq(users.id, u.id));
    assert.equal(await verifyPassword(row!.passwordHash, password), true);
    assert.equal(row!.mustChangePassword, true);
    assert.equal(await sessionRevoked(a.sessionId), true);
    assert.equal((await refusal(resetUserPassword(t.db, admin, { userId: admin.id }))).code, 'CONFLICT');
    assert.equal((await refusal(resetUserPassword(t.db, { ...u, role: 'member' }, { userId: admin.id }))).code, 'FORBIDDEN');
  });
});

test('disabling revokes every token; enabling again revives none', async () => {
  const u = await newUser();
  const a = await signedIn(u);
  await createToken(t.db, u.id);
  await setUserDisabled(t.db, admin, { userId: u.id, disabled: true });
  await setUserDisabled(t.db, admin, { userId: u.id, disabled: false });
  assert.equal(await sessionRevoked(a.sessionId), true);
  assert.deepEqual(await tokenRevoked(u.id, 'browser'), [true]);
  assert.deepEqual(await tokenRevoked(u.id, 'personal'), [true]);
});

describe('deleting a user', () => {
  test('not oneself, not by members', async () => {
    assert.equal((await refusal(deleteUser(t.db, admin, { userId: admin.id }))).code, 'CONFLICT');
    const u = await newUser();
    assert.equal((await refusal(deleteUser(t.db, u, { userId: admin.id }))).code, 'FORBIDDEN');
  });

  test('not the last admin', async () => {
    const other = (await createUser(t.db, SYSTEM_ACTOR, { email: `admin${++n}@sessions.test`, name: 'Other admin', role: 'admin' })).user;
    await setUserDisabled(t.db, other, { userId: admin.id, disabled: true });
    try {
      // `other` is now the only enabled admin: the CLI (which is no user) may not delete it.
      assert.equal((await refusal(deleteUser(t.db, SYSTEM_ACTOR, { userId: other.id }))).code, 'CONFLICT');
    } finally {
      await setUserDisabled(t.db, other, { userId: admin.id, disabled: false });
    }
  });

  test('scrubs the account, hands over sole-owned projects, keeps history under a "(deleted)" name', async () => {
    const u = await newUser();
    const a = await signedIn(u);
    const partner = await newUser();
    const sole = await createProject(t.db, { name: 'Sole', ownerId: u.id });
    const shared = await createProject(t.db, { name: 'Shared', ownerId: u.id });
    await addMember(t.db, shared.id, partner.id, 'owner');
    const [kernel] = await t.db
      .insert(kernels)
      .values({ id: randomUUID(), projectId: sole.id, userId: u.id, environment: environmentSpec(), kernelspecName: 'python-small', provisioner: 'local', state: 'idle' })
      .returning();

    const { handedOver } = await deleteUser(t.db, admin, { userId: u.id });
    assert.deepEqual(handedOver, [sole.id]);
    const [row] = await t.db.select().from(users).where(eq(users.id, u.id));
    assert.ok(row!.deletedAt && row!.disabledAt);
    assert.equal(row!.email, `deleted-${u.id}@deleted.invalid`);
    assert.equal(row!.name, u.name);
    assert.equal(await sessionRevoked(a.sessionId), true);
    assert.deepEqual(await t.db.select().from(projectMembers).where(eq(projectMembers.userId, u.id)), []);
    const soleOwners = await t.db.select().from(projectMembers).where(eq(projectMembers.projectId, sole.id));
    assert.deepEqual(soleOwners.map((m) => [m.userId, m.role]), [[admin.id, 'owner']]);
    const sharedOwners = await t.db.select().from(projectMembers).where(eq(projectMembers.projectId, shared.id));
    assert.deepEqual(sharedOwners.map((m) => m.userId), [partner.id]);

    assert.ok(!(await listUsers(t.db, admin, { q: u.name })).items.some((x) => x.id === u.id));
    await assert.rejects(authorizeCredentials(t.db, { email: row!.email, password: 'first-password' }, '10.9.0.2'));
    const active = await getActiveEnvironments(t.db, admin, { projectId: sole.id });
    assert.deepEqual(active.filter((k) => k.kernelId === kernel!.id).map((k) => k.owner.name), [`${u.name} (deleted)`]);
    // The address is free for a new account.
    await createUser(t.db, admin, { email: u.email, name: 'Someone new' });
    assert.equal((await refusal(deleteUser(t.db, admin, { userId: u.id }))).code, 'NOT_FOUND');
  });
});
