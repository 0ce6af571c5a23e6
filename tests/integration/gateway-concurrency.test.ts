/**
 * Launches are fully asynchronous (issue 3): 20 simultaneous `POST /api/kernels` all
 * complete (or are refused with a clear reason), and the gateway keeps answering other
 * requests while they run.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { clearDefaultQuotas } from '../helpers/default-quotas';
import { createTestDatabase, type TTestDatabase } from '../helpers/postgres';
import { createUserWithToken, gatewayFetch, startTestGateway, type TTestGateway } from '../helpers/gateway';
import { killGroup, localState } from '../helpers/kernels';

let t: TTestDatabase;
let gw: TTestGateway;
let token: string;
const pids: number[] = [];

before(async () => {
  t = await createTestDatabase();
  gw = await startTestGateway({ db: t.db, config: { kernelStartTimeoutMs: 120_000 } });
  // Twenty launches by one user: more than the default quotas allow, so the admin lifts them first.
  await clearDefaultQuotas(t.db);
  ({ token } = await createUserWithToken(t.db));
});

after(async () => {
  await gw?.close();
  for (const pid of pids) killGroup(pid);
  await t?.drop();
});

describe('20 simultaneous launches', () => {
  test('all complete or are refused with a reason; GET /api and GET /api/kernels are served meanwhile', async () => {
    let launching = true;
    const launches = Promise.all(
      Array.from({ length: 20 }, () => gatewayFetch(gw, '/api/kernels', { token, method: 'POST', body: {} })),
    ).finally(() => (launching = false));

    const served: number[] = [];
    while (launching) {
      const [api, list] = await Promise.all([gatewayFetch(gw, '/api'), gatewayFetch(gw, '/api/kernels', { token })]);
      served.push(api.status, list.status);
      await new Promise((r) => setTimeout(r, 100));
    }
    const results = await launches;
    for (const r of results.filter((x) => x.status === 201)) pids.push((await localState(t.db, r.body.id)).pid);

    assert.ok(served.length >= 4, `other requests answered while launching (${served.length})`);
    assert.ok(served.every((s) => s === 200), `statuses: ${served.join(',')}`);
    for (const r of results) {
      if (r.status === 201) assert.ok(['idle', 'busy'].includes(r.body.execution_state));
      else assert.ok(r.body.code && r.body.message.length > 10, `refusal with a reason: ${JSON.stringify(r.body)}`);
    }
    const started = results.filter((r) => r.status === 201);
    for (const r of results.filter((x) => x.status !== 201)) console.log(`# refused: ${JSON.stringify(r.body)}`);
    console.log(`# ${started.length} of 20 started, ${served.length} other requests served meanwhile`);
    assert.equal(new Set(started.map((r) => r.body.id)).size, started.length);

    const listed = (await gatewayFetch(gw, '/api/kernels', { token })).body as Array<{ id: string }>;
    assert.equal(listed.length, started.length);
    const stops = await Promise.all(started.map((r) => gatewayFetch(gw, `/api/kernels/${r.body.id}`, { token, method: 'DELETE' })));
    assert.ok(stops.every((s) => s.status === 204));
  });
});
