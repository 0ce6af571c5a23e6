/**
 * The sign-in throttle against the running web: attempts count against the TCP peer that made
 * them, whatever `X-Forwarded-For` (or the peer header itself) a client forges, and a stranger
 * hammering an account slows it down without keeping its owner out. Each client here connects
 * from its own loopback address (127.0.0.x), so the web sees distinct peers.
 */
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, before, test } from 'node:test';
import { startTestPlatform, type TTestPlatform } from '../helpers/test-platform';
import { signIn } from '../helpers/web-session';

const ADMIN = { email: 'admin@throttle.test', password: 'throttle-admin-password' };

let running: TTestPlatform;
before(async () => {
  running = await startTestPlatform({ admin: ADMIN, dataDirPrefix: 'lattice-e2e-throttle-' });
});
after(() => running?.close());

interface TAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function send(peer: string, method: string, path: string, headers: Record<string, string>, body?: string): Promise<TAnswer> {
  const port = Number(new URL(running.platform.webUrl).port);
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, localAddress: peer, method, path, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * One sign-in through next-auth's credentials callback, from the loopback address `peer`, with
 * whatever forged headers are given. Resolves with whether a session cookie came back, else
 * next-auth's error (the message the sign-in form would show).
 */
async function signInFrom(peer: string, credentials: { email: string; password: string }, forged: Record<string, string>) {
  const csrf = await send(peer, 'GET', '/api/auth/csrf', forged);
  const cookie = ([] as string[]).concat(csrf.headers['set-cookie'] ?? []).map((c) => c.split(';')[0]).join('; ');
  const form = new URLSearchParams({ csrfToken: JSON.parse(csrf.body).csrfToken, ...credentials, json: 'true' }).toString();
  const started = Date.now();
  const res = await send(peer, 'POST', '/api/auth/callback/credentials', {
    ...forged,
    cookie,
    'content-type': 'application/x-www-form-urlencoded',
  }, form);
  const signedIn = ([] as string[]).concat(res.headers['set-cookie'] ?? []).some((c) => /next-auth\.session-token=[^;]/.test(c));
  const url = res.body ? (JSON.parse(res.body).url as string | undefined) : undefined;
  const error = url ? new URL(url, running.platform.webUrl).searchParams.get('error') : null;
  return { signedIn, error, ms: Date.now() - started };
}

const forgedFrom = (i: number) => ({ 'x-forwarded-for': `198.51.100.${i}`, 'x-lattice-peer-address': `203.0.113.${i}` });

test('clients with different forged X-Forwarded-For share their peer address\'s bucket', async () => {
  const victim = { email: 'nobody@throttle.test', password: 'wrong-password' };
  for (let i = 1; i <= 5; i++) {
    const attempt = await signInFrom('127.0.0.3', victim, forgedFrom(i));
    assert.equal(attempt.error, 'Wrong email or password.', `attempt ${i}`);
  }
  // A sixth client, forging yet another address and holding a real password, is still that peer.
  const sixth = await signInFrom('127.0.0.3', ADMIN, forgedFrom(6));
  assert.equal(sixth.signedIn, false);
  assert.match(sixth.error ?? '', /Too many failed sign-ins from your address\. Try again in \d+ s\./);
  // Another peer is not held back by that one.
  const other = await signInFrom('127.0.0.4', ADMIN, forgedFrom(7));
  assert.equal(other.signedIn, true, other.error ?? '');
});

test('the owner still signs in while a stranger guesses the account\'s password', async () => {
  const guesses = [];
  for (let peer = 10; peer < 14; peer++) {
    for (let i = 0; i < 3; i++) guesses.push(await signInFrom(`127.0.0.${peer}`, { email: ADMIN.email, password: `guess-${peer}-${i}` }, forgedFrom(i)));
  }
  assert.ok(guesses.every((g) => g.error === 'Wrong email or password.'), JSON.stringify(guesses.map((g) => g.error)));
  // The guesser pays a growing delay per try…
  assert.ok(guesses.at(-1)!.ms >= 2000, `the last guess took ${guesses.at(-1)!.ms} ms`);
  // …and the owner, from their own address, gets in with the right password (after that delay once).
  const owner = await signInFrom('127.0.0.20', ADMIN, {});
  assert.equal(owner.signedIn, true, owner.error ?? '');
  await signIn(running.platform.webUrl, ADMIN);
});
