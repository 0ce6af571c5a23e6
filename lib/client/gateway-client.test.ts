import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { TKernelModel } from '@/common/kernel-model';
import { GatewayClient } from './gateway-client';
import { RequestError } from './request-error';
import { json, startTestServer } from '../../tests/helpers/http-test-server';
import { WebClient } from './web-client';

const KERNEL: TKernelModel = {
  id: '7c6a2c3e-1111-4f5e-9c3a-2b1d0e9f8a7b',
  name: 'default',
  last_activity: '2026-12-05T10:00:00.000Z',
  execution_state: 'idle',
  connections: 1,
  lattice: {
    state: 'idle',
    reason: null,
    detail: null,
    projectId: 'p1',
    notebookId: 'n1',
    userId: 'u1',
    environment: { slug: 'default', name: 'Python 3', cpuLimitM: 1000, memoryLimitMib: 2048, gpus: 0, computeUnitsPerHour: 1 },
    startedAt: '2026-12-05T09:59:00.000Z',
    progress: null,
    executors: null,
  },
};

/** The web's token route: each call mints the next token; `expiresIn` decides how long it lives. */
let minted = 0;
let expiresInMs = 3_600_000;
let kernels: unknown = [KERNEL];
/** The web's session is over: its token route answers 401. */
let signedOut = false;

let web: Awaited<ReturnType<typeof startTestServer>>;
let gateway: Awaited<ReturnType<typeof startTestServer>>;

function client(): GatewayClient {
  return new GatewayClient({ web: new WebClient({ origin: web.url }), page: () => ({ protocol: 'http:', hostname: '127.0.0.1' }) });
}

before(async () => {
  gateway = await startTestServer((req, res) => {
    if (req.headers.authorization !== `token t${minted}`) return json(res, 401, { code: 'UNAUTHENTICATED', message: 'Invalid or expired token.' });
    if (req.url === '/api') return json(res, 200, { version: '2.0.0' });
    if (req.url === '/api/kernels?project=p1') return json(res, 200, kernels);
    if (req.method === 'DELETE' && req.url === `/api/kernels/${KERNEL.id}?from=dashboard`) return res.writeHead(204).end();
    if (req.url === `/api/lattice/kernels/${KERNEL.id}`) return json(res, 200, KERNEL);
    return json(res, 404, { code: 'NOT_FOUND', message: 'No such kernel.' });
  });
  web = await startTestServer((req, res) => {
    if (req.url !== '/api/gateway-token') return json(res, 404, { code: 'NOT_FOUND', message: 'No such route.' });
    if (signedOut) return json(res, 401, { code: 'UNAUTHENTICATED', message: 'Sign in to continue.' });
    minted++;
    json(res, 200, { token: `t${minted}`, gatewayUrl: null, gatewayPort: gateway.port, expiresAt: new Date(Date.now() + expiresInMs).toISOString() });
  });
});

after(async () => {
  await gateway.close();
  await web.close();
});

test('kernels are read with the gateway token from the web, fetched once while it is fresh', async () => {
  const c = client();
  const first = minted;
  assert.deepEqual(await c.listKernels('p1'), [KERNEL]);
  assert.deepEqual(await c.getKernel(KERNEL.id), KERNEL);
  await c.stopKernel(KERNEL.id, 'dashboard');
  assert.equal(minted, first + 1, 'one token for the three calls');
  assert.equal(gateway.seen.at(-1)!.headers.authorization, `token t${minted}`);
  assert.equal(await c.eventsUrl('p1'), `${gateway.url}/api/events?token=t${minted}&project=p1`);
});

test('a token about to expire is replaced before the next call', async () => {
  expiresInMs = 30_000;
  try {
    const c = client();
    await c.listKernels('p1');
    const after = minted;
    await c.listKernels('p1');
    assert.equal(minted, after + 1, 'a new token for the second call');
  } finally {
    expiresInMs = 3_600_000;
  }
});

test('a token that died early (signed out or revoked elsewhere) is replaced once and the call goes through', async () => {
  const c = client();
  await c.listKernels('p1');
  await client().listKernels('p1'); // another token: the gateway now refuses the first
  const before = minted;
  assert.deepEqual(await c.getKernel(KERNEL.id), KERNEL);
  assert.equal(minted, before + 1);
});

test('when the web refuses a new token too, the page is sent to sign in', async () => {
  let sentToSignIn = 0;
  const c = new GatewayClient({
    web: new WebClient({ origin: web.url, onUnauthenticated: () => sentToSignIn++ }),
    page: () => ({ protocol: 'http:', hostname: '127.0.0.1' }),
  });
  await c.listKernels('p1');
  await client().listKernels('p1');
  signedOut = true;
  try {
    const err = await c.getKernel(KERNEL.id).catch((e: unknown) => e);
    assert.ok(err instanceof RequestError);
    assert.deepEqual([err.service, err.status], ['web', 401]);
    assert.equal(sentToSignIn, 1);
  } finally {
    signedOut = false;
  }
});

test('a kernel model of the wrong shape is INVALID_RESPONSE from the gateway', async () => {
  kernels = [{ ...KERNEL, lattice: { ...KERNEL.lattice, state: 'sleeping' } }];
  try {
    const err = await client().listKernels('p1').catch((e: unknown) => e);
    assert.ok(err instanceof RequestError);
    assert.deepEqual([err.service, err.code], ['gateway', 'INVALID_RESPONSE']);
    assert.match(err.message, /0\.lattice\.state/);
  } finally {
    kernels = [KERNEL];
  }
});

test("a kernel that is gone is the gateway's 404", async () => {
  const err = await client().getKernel('no-such-kernel').catch((e: unknown) => e);
  assert.ok(err instanceof RequestError);
  assert.deepEqual([err.service, err.status, err.code, err.unreachable], ['gateway', 404, 'NOT_FOUND', false]);
});

test('a gateway that refuses is reachable; one that is down is not, and is waited for until it is back', async () => {
  const stale = client();
  await stale.currentToken();
  const c = client();
  assert.equal(await c.isReachable(), true); // with a newer token: `stale`'s is refused with 401 from now on
  assert.equal(await stale.isReachable(), true, 'a 401 is an answer');

  await gateway.close();
  assert.equal(await c.isReachable(), false);
  const err = await c.listKernels('p1').catch((e: unknown) => e);
  assert.ok(err instanceof RequestError);
  assert.deepEqual([err.service, err.status, err.code, err.unreachable], ['gateway', 0, 'NETWORK', true]);

  // The gateway comes back after the first probe has failed (`cancelled` is asked before each probe).
  let checks = 0;
  let restarted: Promise<void> | null = null;
  await c.waitUntilReachable(() => {
    if (++checks === 2) restarted = gateway.listen();
    return false;
  });
  await restarted;
  assert.ok(checks >= 2, 'it probed again after a failed probe');
  assert.deepEqual(await c.listKernels('p1'), [KERNEL]);
});

test('a wait for the gateway ends when its page is gone', async () => {
  const c = client();
  await gateway.close();
  try {
    let cancelled = false;
    const waiting = c.waitUntilReachable(() => cancelled);
    cancelled = true;
    await assert.rejects(waiting, /cancelled/);
  } finally {
    await gateway.listen();
  }
});
