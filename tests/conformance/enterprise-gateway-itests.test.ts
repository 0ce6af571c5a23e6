/**
 * Conformance: Enterprise Gateway's own integration tests for a local Python kernel
 * (`enterprise_gateway/itests/test_python_kernel.py`, class TestPythonKernelLocal: hostname,
 * hello world, restart, interrupt, scope), run unmodified with pytest from the Enterprise
 * Gateway 3.3.0 peer virtualenv against Lattice, as an Enterprise Gateway user's client would
 * talk to it: `POST /api/kernels` with a JSON body and no Content-Type, websockets with
 * websocket-client, `KERNEL_USERNAME: bob` in the body (ignored: identity is the token's).
 *
 * Their client has no token option; enterprise_gateway_itests_plugin.py adds
 * `Authorization: token …` to its requests sessions and websocket handshakes.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { kernels } from '../../db/schema';
import { SANDBOX_HOSTNAME } from '../../server/provisioners/local-sandbox/sandbox-argv';
import { createUserWithToken, startTestGateway, type TTestGateway } from '../helpers/gateway';
import { peerBin } from '../helpers/peers';
import { createTestDatabase, type TTestDatabase } from '../helpers/postgres';

const EXPECTED_TESTS = ['test_get_hostname', 'test_hello_world', 'test_interrupt', 'test_restart', 'test_scope'];

let t: TTestDatabase;
let gw: TTestGateway;
let token: string;
let userId: string;
let dir: string;

interface TItestReport {
  exitstatus: number;
  tests: Record<string, { outcome: 'passed' | 'failed' | 'skipped'; when: string; detail: string }>;
}

/** Runs pytest over the itests; resolves with the plugin's per-test report and pytest's output. */
function runItests(timeoutMs = 300_000): Promise<{ report: TItestReport; output: string }> {
  const reportFile = path.join(dir, 'report.json');
  const bin = peerBin('enterprise-gateway');
  // The sandboxed kernel's hostname (test_get_hostname matches `<prefix>*` against it).
  const kernelHost = process.env.LATTICE_LOCAL_SANDBOX === 'off' ? hostname() : SANDBOX_HOSTNAME;
  return new Promise((resolve, reject) => {
    const child = spawn(
      path.join(bin, 'python'),
      [
        '-m',
        'pytest',
        '-p',
        'enterprise_gateway_itests_plugin',
        // Nothing is written into the peer's site-packages or this checkout.
        '-p',
        'no:cacheprovider',
        '--rootdir',
        dir,
        '-c',
        path.join(dir, 'pytest.ini'),
        '-v',
        '--pyargs',
        'enterprise_gateway.itests.test_python_kernel',
        '-k',
        'TestPythonKernelLocal',
      ],
      {
        cwd: dir,
        env: {
          ...process.env,
          PYTHONPATH: import.meta.dirname,
          PYTHONDONTWRITEBYTECODE: '1',
          GATEWAY_HOST: new URL(gw.url).host,
          ITEST_HOSTNAME_PREFIX: kernelHost,
          LATTICE_ITESTS_TOKEN: token,
          LATTICE_ITESTS_REPORT: reportFile,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('exit', async (code, signal) => {
      clearTimeout(timer);
      try {
        const report = JSON.parse(await readFile(reportFile, 'utf8')) as TItestReport;
        resolve({ report, output });
      } catch {
        reject(new Error(`pytest left no report (exit ${code ?? signal}):\n${output.slice(-4000)}`));
      }
    });
  });
}

before(async () => {
  t = await createTestDatabase();
  gw = await startTestGateway({ db: t.db });
  const created = await createUserWithToken(t.db);
  token = created.token;
  userId = created.user.id;
  dir = await mkdtemp(path.join(tmpdir(), 'lattice-eg-itests-'));
  // An empty config of our own: pytest must not pick one up from site-packages' parents.
  await writeFile(path.join(dir, 'pytest.ini'), '[pytest]\n');
});

after(async () => {
  await gw?.close();
  await t?.drop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

test("Enterprise Gateway's Python-kernel itests pass against Lattice", async () => {
  const { report, output } = await runItests();
  const outcomes = Object.fromEntries(Object.entries(report.tests).map(([name, r]) => [name, r.outcome]));
  const failures = Object.entries(report.tests)
    .filter(([, r]) => r.outcome !== 'passed')
    .map(([name, r]) => `${name} (${r.when}): ${r.detail}`)
    .join('\n\n');
  assert.deepEqual(
    outcomes,
    Object.fromEntries(EXPECTED_TESTS.map((name) => [name, 'passed'])),
    `${failures}\n--- pytest ---\n${output.slice(-3000)}`,
  );
  assert.equal(report.exitstatus, 0, output.slice(-3000));

  // Their kernel ran as the token's user (not KERNEL_USERNAME "bob") and was shut down by their teardown.
  const rows = await t.db.select({ userId: kernels.userId, state: kernels.state, reason: kernels.reason }).from(kernels);
  assert.equal(rows.length, 1);
  assert.deepEqual(rows[0], { userId, state: 'stopped', reason: 'user-request' });
});
