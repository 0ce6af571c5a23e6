import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { eq } from 'drizzle-orm';
import { isAppError } from '../../common/errors';
import { users } from '../../db/schema';
import type { TSignedInUser } from '../../lib/auth/authorize-credentials';
import { SYSTEM_ACTOR } from '../../lib/auth/system-actor';
import { createUser } from '../../lib/users/create-user';
import { updateMyName } from '../../lib/users/update-my-name';
import { createTestDatabase, type TTestDatabase } from '../helpers/postgres';

let t: TTestDatabase;
let alice: TSignedInUser;
let bob: TSignedInUser;

before(async () => {
  t = await createTestDatabase();
  const mk = async (email: string, name: string) => {
    const { user } = await createUser(t.db, SYSTEM_ACTOR, { email, name, password: 'password-123' });
    return { id: user.id, email: user.email, name: user.name, role: user.role };
  };
  alice = await mk('alice@example.com', 'Alice');
  bob = await mk('bob@example.com', 'Bob');
});
after(() => t.drop());

const nameOf = async (id: string) => (await t.db.select({ name: users.name }).from(users).where(eq(users.id, id)))[0]?.name;

async function refusal(p: Promise<unknown>) {
  try {
    await p;
  } catch (err) {
    if (isAppError(err)) return err;
    throw err;
  }
  assert.fail('expected a refusal');
}

test('a user renames themself (trimmed); nobody else changes', async () => {
  const updated = await updateMyName(t.db, alice, { name: '  Ada Lovelace ' });
  assert.equal(updated.name, 'Ada Lovelace');
  assert.equal(updated.id, alice.id);
  assert.equal(await nameOf(bob.id), 'Bob');
});

test('an empty name, a control character or a NUL byte is a 400 naming the field', async () => {
  for (const name of ['   ', 'Ada\u0000', 'Ada\nLovelace', 'x'.repeat(201)]) {
    const err = await refusal(updateMyName(t.db, alice, { name }));
    assert.equal(err.code, 'BAD_REQUEST', JSON.stringify(name));
    assert.ok(err.fields?.name, `names the field for ${JSON.stringify(name)}`);
  }
  assert.equal(await nameOf(alice.id), 'Ada Lovelace', 'nothing was stored');
});
