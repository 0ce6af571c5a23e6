import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { eq } from 'drizzle-orm';
import { users } from '../../db/schema';
import { verifyPassword } from '../../db/passwords';
import { authorizeCredentials, type TSignedInUser } from '../../lib/auth/authorize-credentials';
import { recordFailure, secondsUntilAllowed, waitSecondsAfter } from '../../lib/auth/sign-in-throttle';
import { SYSTEM_ACTOR } from '../../lib/auth/system-actor';
import { createUser } from '../../lib/users/create-user';
import { listUsers } from '../../lib/users/list-users';
import { setUserDisabled } from '../../lib/users/set-user-disabled';
import { setUserRole } from '../../lib/users/set-user-role';
import { createTestDatabase, type TTestDatabase } from '../helpers/postgres';

let t: TTestDatabase;
let admin: TSignedInUser;
let member: TSignedInUser;

const asActor = (u: { id: string; email: string; name: string; role: 'admin' | 'member' }): TSignedInUser => ({
  id: u.id,
  email: u.email,
  name: u.name,
  role: u.role,
});

before(async () => {
  t = await createTestDatabase();
  admin = asActor((await createUser(t.db, SYSTEM_ACTOR, { email: 'Admin@Example.com', name: 'Ada', role: 'admin', password: 'admin-password' })).user);
  member = asActor((await createUser(t.db, SYSTEM_ACTOR, { email: 'member@example.com', name: 'Max', password: 'member-password' })).user);
});
after(() => t.drop());

describe('passwords and sign-in', () => {
  test('passwords are stored as argon2id hashes that verify', async () => {
    const [row] = await t.db.select().from(users).where(eq(users.id, member.id));
    assert.match(row!.passwordHash, /^\$argon2id\$/);
    assert.ok(!row!.passwordHash.includes('member-password'));
    assert.equal(await verifyPassword(row!.passwordHash, 'member-password'), true);
    assert.equal(await verifyPassword(row!.passwordHash, 'wrong'), false);
  });

  test('the right password signs in (email is case-insensitive)', async () => {
    const user = await authorizeCredentials(t.db, { email: 'ADMIN@example.com', password: 'admin-password' }, '10.0.0.1');
    assert.deepEqual(user, admin);
  });

  test('a wrong password or unknown email gets the same clear message', async () => {
    await assert.rejects(authorizeCredentials(t.db, { email: 'member@example.com', password: 'nope' }, '10.0.0.2'), {
      message: 'Wrong email or password.',
    });
    await assert.rejects(authorizeCredentials(t.db, { email: 'ghost@example.com', password: 'nope' }, '10.0.0.2'), {
      message: 'Wrong email or password.',
    });
  });

  test('missing fields get a message asking for them', async () => {
    await assert.rejects(authorizeCredentials(t.db, { email: '', password: '' }, '10.0.0.3'), /Enter your email address and password/);
  });

  test('repeated failures from one address make that address wait', async () => {
    const address = '192.0.2.50';
    await createUser(t.db, SYSTEM_ACTOR, { email: 'target@example.com', name: 'Tia', password: 'target-password' });
    for (let i = 0; i < 5; i++) {
      await assert.rejects(authorizeCredentials(t.db, { email: 'target@example.com', password: `bad-${i}` }, address), /Wrong email/);
    }
    assert.ok((await secondsUntilAllowed(t.db, address)) > 0);
    // Even the right password is refused while the address must wait, with the wait in the message.
    await assert.rejects(authorizeCredentials(t.db, { email: 'target@example.com', password: 'target-password' }, address), /Too many failed sign-ins.*Try again in \d+ s/);
    // The account itself is not closed: its owner, elsewhere, signs in (sign-in-throttle tests the delay).
    const owner = await authorizeCredentials(t.db, { email: 'target@example.com', password: 'target-password' }, '192.0.2.51');
    assert.equal(owner.email, 'target@example.com');
    // …and other accounts from other addresses sign in as usual.
    const ok = await authorizeCredentials(t.db, { email: 'admin@example.com', password: 'admin-password' }, '192.0.2.52');
    assert.equal(ok.role, 'admin');
  });

  test('the wait grows with each failure and is capped', async () => {
    assert.equal(waitSecondsAfter(4), 0);
    assert.ok(waitSecondsAfter(6) > waitSecondsAfter(5));
    assert.equal(waitSecondsAfter(100), 300);
    await recordFailure(t.db, '192.0.2.60');
    assert.equal(await secondsUntilAllowed(t.db, '192.0.2.60'), 0);
  });

  test('a successful sign-in clears the address\'s failures', async () => {
    const address = '192.0.2.70';
    for (let i = 0; i < 4; i++) await recordFailure(t.db, address);
    await authorizeCredentials(t.db, { email: 'member@example.com', password: 'member-password' }, address);
    await recordFailure(t.db, address);
    assert.equal(await secondsUntilAllowed(t.db, address), 0);
  });
});

describe('user administration', () => {
  test('an admin creates a user; a generated password is returned once and works', async () => {
    const { user, generatedPassword } = await createUser(t.db, admin, { email: 'new@example.com', name: 'Nia', role: 'member' });
    assert.ok(generatedPassword && generatedPassword.length >= 12);
    assert.equal(user.role, 'member');
    assert.ok(!('passwordHash' in user));
    const signedIn = await authorizeCredentials(t.db, { email: 'new@example.com', password: generatedPassword! }, '10.1.0.1');
    assert.equal(signedIn.id, user.id);
  });

  test('a chosen password is not echoed back', async () => {
    const res = await createUser(t.db, admin, { email: 'chosen@example.com', name: 'Cho', password: 'a-long-password' });
    assert.equal(res.generatedPassword, null);
    assert.ok(!JSON.stringify(res).includes('a-long-password'));
  });

  test('bad input names the fields; a duplicate email is a conflict on the email field', async () => {
    await assert.rejects(createUser(t.db, admin, { email: 'not-an-email', name: '', password: 'short' }), (err: any) => {
      assert.equal(err.code, 'BAD_REQUEST');
      assert.deepEqual(Object.keys(err.fields).sort(), ['email', 'name', 'password']);
      return true;
    });
    await assert.rejects(createUser(t.db, admin, { email: 'MEMBER@example.com', name: 'Dup' }), (err: any) => {
      assert.equal(err.code, 'CONFLICT');
      assert.ok(err.fields.email);
      return true;
    });
  });

  test('members cannot list, create, change or disable users', async () => {
    const forbidden = { code: 'FORBIDDEN' };
    await assert.rejects(listUsers(t.db, member), forbidden);
    await assert.rejects(createUser(t.db, member, { email: 'x@example.com', name: 'X' }), forbidden);
    await assert.rejects(setUserRole(t.db, member, { userId: member.id, role: 'admin' }), forbidden);
    await assert.rejects(setUserDisabled(t.db, member, { userId: admin.id, disabled: true }), forbidden);
  });

  test('admins list users without password hashes', async () => {
    const list = (await listUsers(t.db, admin)).items;
    assert.ok(list.some((u) => u.email === 'admin@example.com' && u.role === 'admin'));
    assert.ok(!JSON.stringify(list).includes('argon2'));
  });

  test('a disabled user cannot sign in; enabling restores it', async () => {
    const { user } = await createUser(t.db, admin, { email: 'dis@example.com', name: 'Dee', password: 'dis-password' });
    const disabled = await setUserDisabled(t.db, admin, { userId: user.id, disabled: true });
    assert.ok(disabled.disabledAt);
    await assert.rejects(authorizeCredentials(t.db, { email: 'dis@example.com', password: 'dis-password' }, '10.2.0.1'), /disabled/);
    await setUserDisabled(t.db, admin, { userId: user.id, disabled: false });
    const ok = await authorizeCredentials(t.db, { email: 'dis@example.com', password: 'dis-password' }, '10.2.0.1');
    assert.equal(ok.id, user.id);
  });

  test('an admin cannot disable themself, nor demote or disable the last admin', async () => {
    await assert.rejects(setUserDisabled(t.db, admin, { userId: admin.id, disabled: true }), { code: 'CONFLICT' });
    await assert.rejects(setUserRole(t.db, admin, { userId: admin.id, role: 'member' }), { code: 'CONFLICT' });
    await assert.rejects(setUserDisabled(t.db, SYSTEM_ACTOR, { userId: admin.id, disabled: true }), { code: 'CONFLICT' });
  });

  test('with a second admin, the first may be demoted; role changes are reflected', async () => {
    const { user } = await createUser(t.db, admin, { email: 'admin2@example.com', name: 'Bo', role: 'member' });
    assert.equal((await setUserRole(t.db, admin, { userId: user.id, role: 'admin' })).role, 'admin');
    assert.equal((await setUserRole(t.db, asActor({ ...user, role: 'admin' }), { userId: admin.id, role: 'member' })).role, 'member');
    assert.equal((await setUserRole(t.db, asActor({ ...user, role: 'admin' }), { userId: admin.id, role: 'admin' })).role, 'admin');
  });

  test('an unknown user id is NOT_FOUND, a malformed one BAD_REQUEST', async () => {
    await assert.rejects(setUserRole(t.db, admin, { userId: '7f1c3a52-0000-4000-8000-000000000000', role: 'member' }), { code: 'NOT_FOUND' });
    await assert.rejects(setUserDisabled(t.db, admin, { userId: 'nope', disabled: true }), { code: 'BAD_REQUEST' });
  });
});
