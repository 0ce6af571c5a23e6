import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { eq, inArray } from 'drizzle-orm';
import { apiTokens, loginFailures, webSessions } from '../../db/schema';
import { generateToken } from '../../db/tokens';
import { authorizeCredentials } from '../../lib/auth/authorize-credentials';
import { mintBrowserToken } from '../../lib/auth/mint-browser-token';
import { revokeSessions } from '../../lib/auth/revoke-sessions';
import { startWebSession } from '../../lib/auth/start-web-session';
import { purgeStaleSignInRows } from '../../lib/auth/purge-stale-sign-in-rows';
import { accountDelayMsAfter, failuresOf, recordFailure } from '../../lib/auth/sign-in-throttle';
import { SYSTEM_ACTOR } from '../../lib/auth/system-actor';
import { createUser } from '../../lib/users/create-user';
import { createTestDatabase, type TTestDatabase } from '../helpers/postgres';

let t: TTestDatabase;
const OWNER = { email: 'owner@throttle.test', password: 'owner-password' };
let ownerId: string;
let otherId: string;

before(async () => {
  t = await createTestDatabase();
  ownerId = (await createUser(t.db, SYSTEM_ACTOR, { ...OWNER, name: 'Olga' })).user.id;
  otherId = (await createUser(t.db, SYSTEM_ACTOR, { email: 'other@throttle.test', name: 'Otto', password: 'other-password' })).user.id;
});
after(() => t.drop());

const dayAgo = (now: Date, days: number) => new Date(now.getTime() - days * 24 * 60 * 60 * 1000);

// First in this file: the first sign-in attempt of a process is the one that sweeps.
test('sign-in attempts purge old failure counts and expired browser tokens of every user', async () => {
  const now = new Date();
  await recordFailure(t.db, 'account:never-existed@throttle.test');
  await recordFailure(t.db, '198.51.100.200');
  await t.db.update(loginFailures).set({ lastFailureAt: dayAgo(now, 2) });
  await recordFailure(t.db, 'account:recent@throttle.test');
  const otherSession = { id: otherId, email: 'other@throttle.test', name: 'Otto', role: 'member' as const, sessionId: await startWebSession(t.db, otherId) };
  await mintBrowserToken(t.db, otherSession, { ttlS: 3600 }, dayAgo(now, 2));
  const live = await mintBrowserToken(t.db, otherSession, { ttlS: 3600 }, now);
  const personal = generateToken();
  await t.db.insert(apiTokens).values({ userId: otherId, name: 'old laptop', tokenHash: personal.hash, prefix: personal.prefix, expiresAt: dayAgo(now, 2) });

  await assert.rejects(authorizeCredentials(t.db, { email: OWNER.email, password: 'wrong' }, '192.0.2.1'), /Wrong email or password/);

  const keys = (await t.db.select({ key: loginFailures.address }).from(loginFailures)).map((r) => r.key).sort();
  assert.deepEqual(keys, ['192.0.2.1', 'account:owner@throttle.test', 'account:recent@throttle.test']);
  const tokens = await t.db.select({ kind: apiTokens.kind, expiresAt: apiTokens.expiresAt }).from(apiTokens).where(eq(apiTokens.userId, otherId));
  assert.deepEqual(tokens.map((r) => [r.kind, r.expiresAt!.toISOString()]).sort(), [
    ['browser', live.expiresAt],
    ['personal', dayAgo(now, 2).toISOString()],
  ].sort(), 'the expired browser token is gone; the live one and the personal token stay');
});

test('purging reports what it removed and keeps what is recent', async () => {
  const now = new Date();
  await recordFailure(t.db, '198.51.100.201');
  await t.db.update(loginFailures).set({ lastFailureAt: dayAgo(now, 1.5) }).where(eq(loginFailures.address, '198.51.100.201'));
  const revoked = await startWebSession(t.db, otherId, dayAgo(now, 0.1));
  const expired = await startWebSession(t.db, otherId, dayAgo(now, 1));
  const live = await startWebSession(t.db, otherId, now);
  await revokeSessions(t.db, otherId, { session: revoked }, dayAgo(now, 0.1));
  const longRevoked = await startWebSession(t.db, otherId, dayAgo(now, 0.4));
  await revokeSessions(t.db, otherId, { session: longRevoked }, dayAgo(now, 1.1));
  assert.deepEqual(await purgeStaleSignInRows(t.db, now), { failures: 1, browserTokens: 0, sessions: 2 });
  const kept = (await t.db.select({ id: webSessions.id }).from(webSessions).where(inArray(webSessions.id, [revoked, expired, live, longRevoked]))).map((r) => r.id);
  assert.deepEqual(kept.sort(), [revoked, live].sort(), 'expired and long-revoked sign-ins go; recent ones stay');
  assert.ok((await failuresOf(t.db, 'account:recent@throttle.test')) > 0);
});

test('the per-account delay grows per failure and is capped', () => {
  assert.equal(accountDelayMsAfter(0), 0);
  assert.equal(accountDelayMsAfter(2), 0);
  assert.ok(accountDelayMsAfter(4) > accountDelayMsAfter(3));
  assert.equal(accountDelayMsAfter(1000), 4000);
});

test('a stranger guessing from many addresses slows the account down but cannot lock its owner out', async () => {
  for (let i = 0; i < 8; i++) {
    await assert.rejects(authorizeCredentials(t.db, { email: OWNER.email, password: `guess-${i}` }, `203.0.113.${i}`), /Wrong email or password/);
  }
  const failures = await failuresOf(t.db, `account:${OWNER.email}`);
  assert.ok(failures >= 8);
  // A guess now pays the delay…
  const guessStarted = Date.now();
  await assert.rejects(authorizeCredentials(t.db, { email: OWNER.email, password: 'guess-x' }, '203.0.113.50'), /Wrong email or password/);
  assert.ok(Date.now() - guessStarted >= accountDelayMsAfter(failures) - 50, 'the guess was held back');
  // …and so does the owner once, whose right password is then accepted and clears the count.
  const ownerStarted = Date.now();
  const owner = await authorizeCredentials(t.db, OWNER, '192.0.2.99');
  assert.equal(owner.id, ownerId);
  assert.ok(Date.now() - ownerStarted >= accountDelayMsAfter(failures + 1) - 50);
  assert.equal(await failuresOf(t.db, `account:${OWNER.email}`), 0);
});
