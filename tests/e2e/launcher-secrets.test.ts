/**
 * The real web and gateway as the launcher (scripts/platform.ts) starts them, from a shell
 * that holds the operator's secrets: neither process, nor any process under them, has
 * LATTICE_ADMIN_PASSWORD in its environment; only the web has the session secret; both
 * connect to Postgres as a role that is no superuser. Read from /proc/<pid>/environ.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import pg from 'pg';
import { startTestPlatform, type TTestPlatform } from '../helpers/test-platform';

const ADMIN = { email: 'admin@launcher.test', password: 'launcher-admin-password' };
const SHELL = {
  LATTICE_ADMIN_PASSWORD: 'operator-shell-admin-password',
  LATTICE_MIGRATION_DATABASE_URL: 'postgres://owner:operator-owner-secret@db.invalid/lattice',
  NEXTAUTH_SECRET: 'operator-shell-session-secret',
};

let testPlatform: TTestPlatform | undefined;
const saved: Record<string, string | undefined> = {};

before(async () => {
  for (const [name, value] of Object.entries(SHELL)) {
    saved[name] = process.env[name];
    process.env[name] = value;
  }
  testPlatform = await startTestPlatform({ admin: ADMIN, dataDirPrefix: 'lattice-e2e-launcher-' });
});

after(async () => {
  await testPlatform?.close();
  for (const [name, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
});

function environ(pid: number): Record<string, string> {
  const entries = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').filter(Boolean);
  return Object.fromEntries(entries.map((e) => [e.slice(0, e.indexOf('=')), e.slice(e.indexOf('=') + 1)]));
}

/** `pid` and every process under it (Next.js may run workers). */
function withDescendants(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // Field 4 of /proc/<pid>/stat is the parent; the command name (field 2) may hold spaces.
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      // exited meanwhile
    }
  }
  const out = [pid];
  for (let i = 0; i < out.length; i++) out.push(...(children.get(out[i]!) ?? []));
  return out;
}

test('no process the launcher starts inherits LATTICE_ADMIN_PASSWORD or the owner URL; only the web has the session secret', () => {
  const { pids } = testPlatform!.platform;
  const gateway = withDescendants(pids.gateway);
  const web = withDescendants(pids.web);
  for (const pid of [...gateway, ...web]) {
    const env = environ(pid);
    assert.equal(env.LATTICE_ADMIN_PASSWORD, undefined, `pid ${pid}`);
    assert.equal(env.LATTICE_MIGRATION_DATABASE_URL, undefined, `pid ${pid}`);
    const values = Object.values(env).join('\n');
    assert.ok(!values.includes(SHELL.LATTICE_ADMIN_PASSWORD) && !values.includes(ADMIN.password), `pid ${pid}: no admin password in any variable`);
  }
  for (const pid of gateway) assert.equal(environ(pid).NEXTAUTH_SECRET, undefined, `gateway pid ${pid}`);
  const webSecret = environ(pids.web).NEXTAUTH_SECRET;
  assert.ok(webSecret && webSecret !== SHELL.NEXTAUTH_SECRET, 'the web gets the launcher\'s session secret, not the shell\'s variable');
  assert.equal(statSync(path.join(testPlatform!.dataDir, 'nextauth-secret')).mode & 0o777, 0o600);
});

test('the web and the gateway connect to Postgres as a role that is no superuser', async () => {
  const { pids } = testPlatform!.platform;
  for (const pid of [pids.web, pids.gateway]) {
    const url = environ(pid).DATABASE_URL!;
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const { rows } = await client.query<{ rolsuper: boolean }>('select rolsuper from pg_roles where rolname = current_user');
      assert.equal(rows[0]!.rolsuper, false, `pid ${pid}`);
    } finally {
      await client.end();
    }
  }
});
