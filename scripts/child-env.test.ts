import assert from 'node:assert/strict';
import { test } from 'node:test';
import { dropLauncherSecrets, gatewayChildEnv, helperChildEnv, webChildEnv } from './child-env';

/** What an operator's shell may hold when it runs `npm start`. */
const launcherEnv = () =>
  ({
    PATH: '/usr/bin:/bin',
    LATTICE_ADMIN_PASSWORD: 'first-admin-password',
    LATTICE_MIGRATION_DATABASE_URL: 'postgres://owner:owner-secret@db/lattice',
    NEXTAUTH_SECRET: 'session-signing-secret',
    LATTICE_LOG_LEVEL: 'debug',
  }) as Partial<NodeJS.ProcessEnv> as NodeJS.ProcessEnv;

test('the gateway inherits neither the admin password, the owner URL nor the session secret', () => {
  const env = gatewayChildEnv(launcherEnv(), { DATABASE_URL: 'postgres://lattice_app:x@127.0.0.1/lattice', LATTICE_GATEWAY_PORT: '8888' });
  assert.equal(env.LATTICE_ADMIN_PASSWORD, undefined);
  assert.equal(env.LATTICE_MIGRATION_DATABASE_URL, undefined);
  assert.equal(env.NEXTAUTH_SECRET, undefined);
  assert.equal(env.DATABASE_URL, 'postgres://lattice_app:x@127.0.0.1/lattice');
  assert.equal(env.LATTICE_GATEWAY_PORT, '8888');
  assert.equal(env.LATTICE_LOG_LEVEL, 'debug', 'other settings pass through');
});

test('the web gets the session secret it is given, and not the admin password or the owner URL', () => {
  const env = webChildEnv(launcherEnv(), { NEXTAUTH_SECRET: 'from-the-data-dir', DATABASE_URL: 'postgres://app' });
  assert.equal(env.LATTICE_ADMIN_PASSWORD, undefined);
  assert.equal(env.LATTICE_MIGRATION_DATABASE_URL, undefined);
  assert.equal(env.NEXTAUTH_SECRET, 'from-the-data-dir');
  assert.equal(env.PATH, '/usr/bin:/bin');
  assert.equal(webChildEnv({ ...launcherEnv(), LATTICE_METRICS_TOKEN: 'scrape' }, { NEXTAUTH_SECRET: 's', DATABASE_URL: 'x' }).LATTICE_METRICS_TOKEN, undefined, 'nor the gateway\'s metrics token');
});

test('after the launcher read its settings, its own environment holds none of them, so no later child inherits them', () => {
  const env = launcherEnv();
  dropLauncherSecrets(env);
  assert.deepEqual(env, { PATH: '/usr/bin:/bin', LATTICE_LOG_LEVEL: 'debug' });
  assert.deepEqual(helperChildEnv(launcherEnv()), { PATH: '/usr/bin:/bin', LATTICE_LOG_LEVEL: 'debug' });
});

test('LATTICE_LOCAL_SANDBOX from the launcher reaches the gateway (which obeys it) and the web (which then shows its banner) alike', () => {
  const shell = { ...launcherEnv(), LATTICE_LOCAL_SANDBOX: 'off' };
  assert.equal(gatewayChildEnv(shell, { DATABASE_URL: 'postgres://app' }).LATTICE_LOCAL_SANDBOX, 'off');
  assert.equal(webChildEnv(shell, { NEXTAUTH_SECRET: 'from-the-data-dir', DATABASE_URL: 'postgres://app' }).LATTICE_LOCAL_SANDBOX, 'off');
});
