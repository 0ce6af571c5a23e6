/**
 * Software in environment templates (issue 15 §3) and users' own packages (§4), through the real
 * gateway: its build worker resolves and installs with uv from PyPI in the build sandbox, kernels
 * start sandboxed on the result, and garbage collection removes what nothing uses.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { eq } from 'drizzle-orm';
import { environments, projectMembers, projects, softwareBuilds } from '../../db/schema';
import type { TSignedInUser } from '../../lib/auth/authorize-credentials';
import { createEnvironment } from '../../lib/environments/create-environment';
import { updateEnvironment } from '../../lib/environments/update-environment';
import { softwareEnvDir } from '../../server/software/software-paths';
import { createToken, gatewayFetch, openChannels, startTestGateway, type TChannelsClient, type TTestGateway } from '../helpers/gateway';
import { clearDefaultQuotas } from '../helpers/default-quotas';
import { createTestDatabase, type TTestDatabase } from '../helpers/postgres';
import { testPython } from '../helpers/python';
import { insertUser, refusal } from '../helpers/web-fixtures';

let t: TTestDatabase;
let gw: TTestGateway;
let admin: TSignedInUser;
let projectId: string;
const tokens: Record<'a' | 'b', string> = { a: '', b: '' };
const opened: TChannelsClient[] = [];

const sized = { language: 'python', cpuRequest: 0.5, cpuLimit: 1, memoryRequestGib: 0.5, memoryLimitGib: 1 };
/** A cold build downloads from PyPI; the machine may be busy with other tests. */
const BUILD_WAIT_MS = 240_000;

before(async () => {
  t = await createTestDatabase();
  await clearDefaultQuotas(t.db);
  gw = await startTestGateway({ db: t.db });
  admin = await insertUser(t.db, 'admin@example.com', 'admin');
  const a = await insertUser(t.db, 'ada@example.com');
  const b = await insertUser(t.db, 'bob@example.com');
  const [p] = await t.db.insert(projects).values({ name: 'Forecasts', slug: 'forecasts' }).returning();
  projectId = p.id;
  await t.db.insert(projectMembers).values([
    { projectId, userId: a.id, role: 'editor' },
    { projectId, userId: b.id, role: 'editor' },
  ]);
  tokens.a = await createToken(t.db, a.id, {});
  tokens.b = await createToken(t.db, b.id, {});
});

after(async () => {
  for (const ch of opened) await ch.close();
  await gw?.close();
  await t?.drop();
});

async function startKernel(slug: string, who: 'a' | 'b' = 'a') {
  return gatewayFetch(gw, '/api/kernels', { token: tokens[who], method: 'POST', body: { name: slug, env: { KERNEL_PROJECT: projectId } } });
}

async function kernelOn(slug: string, who: 'a' | 'b' = 'a'): Promise<{ id: string; ch: TChannelsClient }> {
  const res = await startKernel(slug, who);
  assert.equal(res.status, 201, JSON.stringify(res.body));
  const ch = await openChannels(gw, res.body.id, { token: tokens[who] });
  opened.push(ch);
  return { id: res.body.id, ch };
}

/** The stream output of `code` (which must succeed). */
async function run(ch: TChannelsClient, code: string, timeoutMs = 120_000): Promise<string> {
  const { reply, iopub } = await ch.execute(code, timeoutMs);
  const out = iopub.filter((m) => m.header.msg_type === 'stream').map((m) => String(m.content.text)).join('');
  assert.equal(reply.content.status, 'ok', `${JSON.stringify(reply.content)}\n${out}`);
  return out;
}

async function buildOf(environmentId: string) {
  const [env] = await t.db.select().from(environments).where(eq(environments.id, environmentId));
  assert.ok(env.softwareBuildId, 'the template names a build');
  const [build] = await t.db.select().from(softwareBuilds).where(eq(softwareBuilds.id, env.softwareBuildId));
  return build;
}

async function waitForBuild(environmentId: string) {
  const deadline = Date.now() + BUILD_WAIT_MS;
  for (;;) {
    const build = await buildOf(environmentId);
    if (build.state === 'ready' || build.state === 'failed') return build;
    assert.ok(Date.now() < deadline, `build still ${build.state} (${build.step}) after ${BUILD_WAIT_MS / 1000} s; log:\n${build.log}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe('templates with packages', () => {
  let requestsEnv: { id: string; slug: string };
  let otherEnv: { id: string; slug: string };
  let pinnedKernel: { id: string; ch: TChannelsClient };

  test('a template with requests==2.31.0 is refused a kernel while it builds, then builds and imports exactly that version', async () => {
    const env = await createEnvironment(t.db, admin, { ...sized, name: 'Requests 2.31', software: { pythonVersion: '3.11', packages: 'requests==2.31.0  # pinned\n' } });
    requestsEnv = env;
    assert.equal(env.packages, 'requests==2.31.0', 'stored normalized (comment and blank lines gone)');
    assert.match(env.softwareBuild?.state ?? '', /^(queued|building)$/);
    const early = await startKernel(env.slug);
    assert.equal(early.status, 409, JSON.stringify(early.body));
    assert.match(early.body.message, /The software of environment “Requests 2\.31” (is waiting to be built|is being built)/);

    const build = await waitForBuild(env.id);
    assert.equal(build.state, 'ready', `${build.error}\n${build.log}`);
    assert.match(build.lock ?? '', /^requests==2\.31\.0 \\$/m, 'the lock pins it, with hashes');
    assert.match(build.lock ?? '', /--hash=sha256:/);
    assert.ok((build.sizeBytes ?? 0) > 1_000_000, `size ${build.sizeBytes}`);
    assert.ok(existsSync(softwareEnvDir(gw.dataDir, build.lockHash!)), 'its environment is on disk under its lock hash');

    pinnedKernel = await kernelOn(env.slug);
    const out = await run(pinnedKernel.ch, 'import requests, ipykernel, sys\nprint(requests.__version__)\nprint(requests.__file__)');
    const [version, file] = out.trim().split('\n');
    assert.equal(version, '2.31.0');
    assert.ok(file.startsWith(softwareEnvDir(gw.dataDir, build.lockHash!)), `imported from the shared environment: ${file}`);
  });

  test('the shared environment is read-only to kernels', async () => {
    const out = await run(
      pinnedKernel.ch,
      'import requests, os\ntry:\n    open(os.path.join(os.path.dirname(requests.__file__), "planted.py"), "w")\n    print("written")\nexcept OSError as e:\n    print(type(e).__name__)',
    );
    assert.match(out, /PermissionError|OSError/);
  });

  test('another template does not see it; an equal package list shares the build', async () => {
    otherEnv = await createEnvironment(t.db, admin, { ...sized, name: 'Tabulate', software: { pythonVersion: '3.11', packages: 'tabulate==0.9.0' } });
    const twin = await createEnvironment(t.db, admin, { ...sized, name: 'Requests twin', software: { pythonVersion: '3.11', packages: 'requests==2.31.0' } });
    assert.equal(twin.softwareBuild?.id, (await buildOf(requestsEnv.id)).id, 'same definition, same build row');
    assert.equal(twin.softwareBuild?.state, 'ready');
    const build = await waitForBuild(otherEnv.id);
    assert.equal(build.state, 'ready', `${build.error}\n${build.log}`);
    const { ch } = await kernelOn(otherEnv.slug);
    const out = await run(ch, 'import tabulate\nprint(tabulate.__version__)\ntry:\n    import requests\n    print("requests", requests.__version__)\nexcept ModuleNotFoundError as e:\n    print(e)');
    assert.equal(out.trim(), "0.9.0\nNo module named 'requests'");
  });

  test('a Python version this machine lacks is refused beside its field, nothing saved', async () => {
    const err = await refusal(createEnvironment(t.db, admin, { ...sized, name: 'Future', software: { pythonVersion: '3.99', packages: 'requests' } }));
    assert.equal(err.code, 'BAD_REQUEST');
    assert.match(err.fields?.['software.pythonVersion'] ?? '', /^Choose one of the Python versions available here: 3\.\d+/);
    assert.equal((await t.db.select().from(environments).where(eq(environments.name, 'Future'))).length, 0);
  });

  test('a broken package list fails with the installer’s message, and no kernel starts on it', async () => {
    const env = await createEnvironment(t.db, admin, { ...sized, name: 'Broken', software: { pythonVersion: '3.11', packages: 'lattice-no-such-package-15==1.0' } });
    const build = await waitForBuild(env.id);
    assert.equal(build.state, 'failed');
    assert.match(build.error ?? '', /lattice-no-such-package-15 was not found in the package registry/);
    assert.match(build.log, /Resolving \d+ packages/);
    const res = await startKernel(env.slug);
    assert.equal(res.status, 409);
    assert.match(res.body.message, /The software of environment “Broken” failed to build: .*lattice-no-such-package-15 was not found/s);
  });

  test('changing the packages builds a new environment; the running kernel keeps its own, even across a restart; garbage collection waits for it', async () => {
    const before = await buildOf(requestsEnv.id);
    await updateEnvironment(t.db, admin, { id: requestsEnv.id, ...sized, name: 'Requests 2.31', software: { pythonVersion: '3.11', packages: 'requests==2.32.3' } });
    const after = await waitForBuild(requestsEnv.id);
    assert.notEqual(after.id, before.id);
    assert.equal(after.state, 'ready', `${after.error}\n${after.log}`);

    const restart = await gatewayFetch(gw, `/api/kernels/${pinnedKernel.id}/restart`, { token: tokens.a, method: 'POST' });
    assert.equal(restart.status, 200, JSON.stringify(restart.body));
    assert.equal((await run(pinnedKernel.ch, 'import requests; print(requests.__version__)')).trim(), '2.31.0');
    const fresh = await kernelOn(requestsEnv.slug);
    assert.equal((await run(fresh.ch, 'import requests; print(requests.__version__)')).trim(), '2.32.3');

    // The twin template still names the old build: nothing is collected.
    await gw.app.collectSoftware();
    assert.equal((await t.db.select().from(softwareBuilds).where(eq(softwareBuilds.id, before.id))).length, 1);
    await t.db.delete(environments).where(eq(environments.name, 'Requests twin'));
    // Only the running kernel uses it now.
    await gw.app.collectSoftware();
    assert.equal((await t.db.select().from(softwareBuilds).where(eq(softwareBuilds.id, before.id))).length, 1, 'kept while a kernel runs on it');
    assert.ok(existsSync(softwareEnvDir(gw.dataDir, before.lockHash!)));

    const stop = await gatewayFetch(gw, `/api/kernels/${pinnedKernel.id}`, { token: tokens.a, method: 'DELETE' });
    assert.equal(stop.status, 204);
    const removed = await gw.app.collectSoftware();
    assert.ok(removed.builds >= 1 && removed.environments >= 1, JSON.stringify(removed));
    assert.equal((await t.db.select().from(softwareBuilds).where(eq(softwareBuilds.id, before.id))).length, 0, 'its row is gone');
    assert.equal(existsSync(softwareEnvDir(gw.dataDir, before.lockHash!)), false, 'and its files');
    assert.ok(existsSync(softwareEnvDir(gw.dataDir, after.lockHash!)), 'the one in use stays');
  });
});

describe('a user’s own packages', () => {
  test('%pip install lands in the user’s layer: importable at once, kept across a restart, invisible to another user, the environment unchanged', async () => {
    const ada = await kernelOn('default', 'a');
    const pip = await run(ada.ch, '%pip install --no-input --progress-bar off tabulate==0.9.0', 180_000);
    assert.match(pip, /Successfully installed tabulate-0\.9\.0/);
    const where = await run(ada.ch, 'import tabulate, sys\nprint(tabulate.__version__)\nprint(tabulate.__file__)\nprint(sys.prefix)');
    const [version, file, prefix] = where.trim().split('\n');
    assert.equal(version, '0.9.0');
    assert.match(prefix, /^\/home\/lattice\/\.lattice\/python\/default-[0-9a-f]{12}$/);
    assert.ok(file.startsWith(`${prefix}/lib/`), file);

    const restart = await gatewayFetch(gw, `/api/kernels/${ada.id}/restart`, { token: tokens.a, method: 'POST' });
    assert.equal(restart.status, 200);
    assert.equal((await run(ada.ch, 'import tabulate; print(tabulate.__version__)')).trim(), '0.9.0');

    const bob = await kernelOn('default', 'b');
    assert.equal((await run(bob.ch, 'try:\n    import tabulate\n    print("visible")\nexcept ModuleNotFoundError:\n    print("invisible")')).trim(), 'invisible');
    const shared = await run(bob.ch, 'import numpy, sys, os\nprint(os.path.exists(os.path.join(os.path.dirname(os.path.dirname(numpy.__file__)), "tabulate")))');
    assert.equal(shared.trim(), 'False', 'the shared environment did not change');
    assert.ok(!existsSync(`${testPython().replace(/\/bin\/python$/, '')}/lib/python3.11/site-packages/tabulate`), 'nor on disk');
  });
});
