import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { and, eq } from 'drizzle-orm';
import { apiTokens } from '../../db/schema';
import { hashToken } from '../../db/tokens';
import type { TSignedInUser } from '../../lib/auth/authorize-credentials';
import { mintBrowserToken } from '../../lib/auth/mint-browser-token';
import { startWebSession } from '../../lib/auth/start-web-session';
import { SYSTEM_ACTOR } from '../../lib/auth/system-actor';
import { createApiToken } from '../../lib/tokens/create-api-token';
import { listApiTokens } from '../../lib/tokens/list-api-tokens';
import { revokeApiToken } from '../../lib/tokens/revoke-api-token';
import { createUser } from '../../lib/users/create-user';
import { setUserDisabled } from '../../lib/users/set-user-disabled';
import { createTestDatabase, type TTestDatabase } from '../helpers/postgres';

let t: TTestDatabase;
let alice: TSignedInUser;
let bob: TSignedInUser;

before(async () => {
  t = await createTestDatabase();
  const mk = async (email: string) => {
    const { user } = await createUser(t.db, SYSTEM_ACTOR, { email, name: email, password: 'password-123' });
    return { id: user.id, email: user.email, name: user.name, role: user.role };
  };
  alice = await mk('alice@example.com');
  bob = await mk('bob@example.com');
});
after(() => t.drop());

describe('personal API tokens', () => {
  test('a new token is returned once and stored only as its hash with a prefix', async () => {
    const { token, summary } = await createApiToken(t.db, alice, { name: 'laptop' });
    assert.match(token, /^lat_[A-Za-z0-9_-]{40}$/);
    assert.equal(summary.prefix, token.slice(0, 10));
    assert.equal(summary.name, 'laptop');
    const [row] = await t.db.select().from(apiTokens).where(eq(apiTokens.id, summary.id));
    assert.equal(row!.tokenHash, hashToken(token));
    assert.equal(row!.kind, 'personal');
    assert.equal(row!.expiresAt, null);
    assert.ok(!JSON.stringify(row).includes(token));
    const listed = await listApiTokens(t.db, alice);
    assert.ok(!JSON.stringify(listed).includes(token));
    assert.ok(!JSON.stringify(listed).includes(row!.tokenHash));
  });

  test('tokens get a default name and an optional expiry', async () => {
    const now = new Date('2030-01-01T00:00:00Z');
    const { summary } = await createApiToken(t.db, alice, { expiresInDays: 30 }, now);
    assert.equal(summary.name, 'Token created 2030-01-01');
    assert.equal(summary.expiresAt, '2030-01-31T00:00:00.000Z');
    await assert.rejects(createApiToken(t.db, alice, { expiresInDays: 0 }), { code: 'BAD_REQUEST' });
  });

  test('users list only their own tokens and revoke only their own', async () => {
    const { summary: bobs } = await createApiToken(t.db, bob, { name: 'bob ci' });
    assert.ok((await listApiTokens(t.db, alice)).every((tk) => tk.id !== bobs.id));
    await assert.rejects(revokeApiToken(t.db, alice, { tokenId: bobs.id }), { code: 'NOT_FOUND' });
    await revokeApiToken(t.db, bob, { tokenId: bobs.id });
    assert.deepEqual(await listApiTokens(t.db, bob), []);
    const [row] = await t.db.select().from(apiTokens).where(eq(apiTokens.id, bobs.id));
    assert.ok(row!.revokedAt);
    await assert.rejects(revokeApiToken(t.db, bob, { tokenId: bobs.id }), { code: 'NOT_FOUND' });
  });
});

describe('browser gateway tokens', () => {
  test('minting stores a browser token with the configured lifetime and drops expired ones', async () => {
    const signedIn = { ...alice, sessionId: await startWebSession(t.db, alice.id) };
    const past = new Date(Date.now() - 2 * 3600_000);
    const old = await mintBrowserToken(t.db, signedIn, { ttlS: 60 }, past);
    const now = new Date();
    const fresh = await mintBrowserToken(t.db, signedIn, { ttlS: 3600 }, now);
    assert.notEqual(fresh.token, old.token);
    assert.equal(new Date(fresh.expiresAt).getTime(), now.getTime() + 3600_000);
    const rows = await t.db.select().from(apiTokens).where(and(eq(apiTokens.userId, alice.id), eq(apiTokens.kind, 'browser')));
    assert.deepEqual(
      rows.map((r) => [r.name, r.tokenHash]),
      [['browser session', hashToken(fresh.token)]],
    );
    assert.ok((await listApiTokens(t.db, alice)).every((tk) => tk.name !== 'browser session'));
  });

  test('a disabled user gets no browser token', async () => {
    const admin = { ...SYSTEM_ACTOR };
    const signedIn = { ...bob, sessionId: await startWebSession(t.db, bob.id) };
    await setUserDisabled(t.db, admin, { userId: bob.id, disabled: true });
    await assert.rejects(mintBrowserToken(t.db, signedIn, { ttlS: 60 }), { code: 'UNAUTHENTICATED' });
  });
});
