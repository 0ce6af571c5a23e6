/**
 * Crashes and restarts lose nothing (issue 3): the gateway *process* is killed with SIGKILL
 * while kernels run; a new one reattaches them (same id, variables intact, clients
 * reconnect), marks a kernel that died meanwhile `dead` with a reason, and notices within
 * 2 s when a reattached kernel — not its child — dies later.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { gatewayFetch, openChannels } from '../helpers/gateway';
import { gatewayProcessFixture, startGatewayProcess, type TGatewayProcess } from '../helpers/gateway-process';
import { alive, kernelRow, killGroup, localState, until } from '../helpers/kernels';

const fx = gatewayProcessFixture();
const { gateways, pids } = fx;

async function start(): Promise<TGatewayProcess> {
  const gw = await startGatewayProcess({ databaseUrl: fx.t.url, dataDir: fx.data.dir, env: { LATTICE_KERNEL_POLL_INTERVAL_S: '1' } });
  gateways.push(gw);
  return gw;
}

async function launch(gw: TGatewayProcess): Promise<{ id: string; pid: number }> {
  const res = await gatewayFetch(gw, '/api/kernels', { token: fx.token, method: 'POST', body: {} });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  const { pid } = await localState(fx.t.db, res.body.id);
  pids.push(pid);
  return { id: res.body.id, pid };
}

describe('kill -9 the gateway while kernels run', () => {
  let kept: { id: string; pid: number };
  let lost: { id: string; pid: number };
  let second: TGatewayProcess;

  test('kernels outlive a SIGKILLed gateway; its clients are disconnected', async () => {
    const first = await start();
    kept = await launch(first);
    lost = await launch(first);
    const ch = await openChannels(first, kept.id, { token: fx.token });
    assert.equal((await ch.execute('kept = "still here"')).reply.content.status, 'ok');
    const dropped = new Promise<void>((resolve) => ch.ws.once('close', () => resolve()));

    await first.kill();
    await dropped;
    assert.ok(alive(kept.pid) && alive(lost.pid), 'kernel processes survive the gateway (own session and process group)');
  });

  test('a kernel that dies while no gateway runs', () => {
    killGroup(lost.pid);
  });

  test('the next gateway reattaches: same id, the variable is still there, the client reconnects', async () => {
    second = await start();
    assert.ok(second.logs.some((l) => l.msg === 'kernel reattached' && l.kernelId === kept.id), 'the log says so');
    const model = await gatewayFetch(second, `/api/kernels/${kept.id}`, { token: fx.token });
    assert.equal(model.status, 200);
    assert.deepEqual([model.body.id, model.body.execution_state], [kept.id, 'idle']);
    assert.equal((await localState(fx.t.db, kept.id)).pid, kept.pid, 'the very same process');

    const ch = await openChannels(second, kept.id, { token: fx.token });
    try {
      const { iopub } = await ch.execute('kept');
      const result = iopub.find((m) => m.header.msg_type === 'execute_result');
      assert.equal((result?.content.data as Record<string, string>)['text/plain'], "'still here'");
    } finally {
      await ch.close();
    }
  });

  test('the kernel that died meanwhile is dead with a reason, and no longer listed', async () => {
    const row = await kernelRow(fx.t.db, lost.id);
    assert.deepEqual([row.state, row.reason], ['dead', 'gateway-lost']);
    assert.match(row.detail ?? '', /ended while the gateway was down/);
    const model = await gatewayFetch(second, `/api/lattice/kernels/${lost.id}`, { token: fx.token });
    assert.deepEqual([model.body.execution_state, model.body.reason], ['dead', 'gateway-lost']);
    assert.equal((await gatewayFetch(second, `/api/kernels/${lost.id}`, { token: fx.token })).status, 404, 'gone for Jupyter clients');
    const listed = (await gatewayFetch(second, '/api/kernels', { token: fx.token })).body.map((k: { id: string }) => k.id);
    assert.deepEqual(listed, [kept.id]);
  });

  test('a reattached kernel (not the new gateway’s child) that dies is dead: crashed within 2 s', async () => {
    const ch = await openChannels(second, kept.id, { token: fx.token });
    const closed = new Promise<string>((resolve) => ch.ws.once('close', (_code, reason) => resolve(reason.toString())));
    const killedAt = Date.now();
    killGroup(kept.pid);
    await until('dead in the API', async () => (await gatewayFetch(second, `/api/lattice/kernels/${kept.id}`, { token: fx.token })).body.execution_state === 'dead', 5000);
    const elapsed = Date.now() - killedAt;
    assert.ok(elapsed < 2000, `reported after ${elapsed} ms`);
    assert.equal(await closed, 'kernel dead: crashed');
    await until('dead in Postgres', async () => (await kernelRow(fx.t.db, kept.id)).state === 'dead');
    assert.equal((await kernelRow(fx.t.db, kept.id)).reason, 'crashed');
  });

  test('SIGTERM (LATTICE_KERNELS_ON_EXIT=stop) stops the kernels it runs', async () => {
    const k = await launch(second);
    await second.stop();
    assert.equal(alive(k.pid), false);
    assert.equal((await kernelRow(fx.t.db, k.id)).state, 'stopped');
  });
});
