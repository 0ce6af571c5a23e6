import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { eq } from 'drizzle-orm';
import { apiTokens, users } from '../../db/schema';
import { hashToken } from '../../db/tokens';
import { authorizeCredentials } from '../../lib/auth/authorize-credentials';
import { createTestDatabase, type TTestDatabase } from '../helpers/postgres';

const ROOT = path.resolve(import.meta.dirname, '../..');
let t: TTestDatabase;

/** Runs `npm run lattice -- …` the way an operator's script would, capturing stdout alone. */
function lattice(...args: string[]) {
  const res = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/lattice-cli.ts', ...args], {
    cwd: ROOT,
    // As an operator with a separate owner: migrations as the owner, the command as the application role.
    env: { ...process.env, DATABASE_URL: t.url, LATTICE_MIGRATION_DATABASE_URL: t.ownerUrl },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: res.status, stdout: res.stdout, stderr: res.stderr };
}

before(async () => {
  t = await createTestDatabase();
});
after(() => t.drop());

test('create-user prints only the generated password, which signs in', async () => {
  const res = lattice('create-user', 'Ops@Example.com', '--name', 'Ops Person', '--role', 'admin');
  assert.equal(res.code, 0, res.stderr);
  const password = res.stdout.trim();
  assert.match(password, /^[A-Za-z0-9_-]{16}$/);
  assert.match(res.stderr, /shown only this once/);
  const user = await authorizeCredentials(t.db, { email: 'ops@example.com', password }, 'cli-test');
  assert.equal(user.role, 'admin');
});

test('create-token prints only the token; it is stored hashed under the given name', async () => {
  const res = lattice('create-token', 'ops@example.com', '--name', 'ci');
  assert.equal(res.code, 0, res.stderr);
  const token = res.stdout.trim();
  assert.match(token, /^lat_[A-Za-z0-9_-]{40}$/);
  assert.ok(!res.stderr.includes(token));
  const [row] = await t.db.select().from(apiTokens).where(eq(apiTokens.tokenHash, hashToken(token)));
  assert.equal(row?.name, 'ci');
  assert.equal(row?.kind, 'personal');
});

test('errors go to stderr with a non-zero exit and nothing on stdout', async () => {
  const unknown = lattice('create-token', 'nobody@example.com');
  assert.equal(unknown.code, 1);
  assert.equal(unknown.stdout, '');
  assert.match(unknown.stderr, /no user with the email nobody@example.com/);
  await t.db.update(users).set({ disabledAt: new Date() }).where(eq(users.email, 'ops@example.com'));
  const disabled = lattice('create-token', 'ops@example.com');
  assert.equal(disabled.code, 1);
  assert.match(disabled.stderr, /disabled/);
  const usage = lattice('frobnicate');
  assert.equal(usage.code, 2);
  assert.match(usage.stderr, /Usage:/);
});
