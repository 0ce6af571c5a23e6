/**
 * The bundled gateway (issue 13 §4): `.build/gateway.mjs` built by scripts/build-gateway.ts runs
 * under plain node — no tsx — and finds what it keeps beside its sources (the sandbox's
 * kernel-launcher.sh, the migrations' and repository's paths): a sandboxed local kernel starts
 * and computes. Prints the idle RSS of the bundled and the tsx gateway.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';
import { buildGateway, GATEWAY_BUNDLE, gatewayBundleStale } from '../../scripts/build-gateway';
import { gatewayFetch, openChannels } from '../helpers/gateway';
import { gatewayProcessFixture, startGatewayProcess } from '../helpers/gateway-process';
import { localState } from '../helpers/kernels';

const fx = gatewayProcessFixture();
const { gateways, pids } = fx;

/** Resident memory of one process, MiB. */
function rssMib(pid: number): number {
  const kib = Number(/^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);
  return Math.round(kib / 1024);
}

test('the build writes one ES module that is then up to date', async () => {
  const file = await buildGateway();
  assert.equal(file, GATEWAY_BUNDLE);
  assert.equal(path.basename(path.dirname(file)), '.build');
  assert.equal(gatewayBundleStale(), false);
  // Everything but the native addon is inside: fastify, pino, drizzle, ws… are not loaded from node_modules.
  const packages = [...readFileSync(file, 'utf8').matchAll(/^import .* from "([^"]+)";$/gm)].map((m) => m[1]).filter((p) => !p.startsWith('node:') && !builtinModules.includes(p));
  assert.deepEqual(packages, ['zeromq']);
});

test('plain node runs the bundle: a sandboxed local kernel starts and computes', async (ctx) => {
  const gw = await startGatewayProcess({ databaseUrl: fx.t.url, dataDir: fx.data.dir, nodeArgs: [GATEWAY_BUNDLE] });
  gateways.push(gw);
  assert.ok(gw.logs.some((l) => l.msg === 'kernel sandbox ready (bubblewrap, seccomp, per-user uids)'), 'the sandbox is on');
  const bundledRss = rssMib(gw.child.pid!);

  const res = await gatewayFetch(gw, '/api/kernels', { token: fx.token, method: 'POST', body: {} });
  assert.equal(res.status, 201, JSON.stringify(gw.logs.slice(-15)));
  pids.push((await localState(fx.t.db, res.body.id)).pid);
  assert.ok(gw.logs.some((l) => l.msg === 'local kernel process started' && (l.sandbox as { uid?: number })?.uid !== undefined), 'the kernel runs sandboxed');
  const ch = await openChannels(gw, res.body.id, { token: fx.token });
  try {
    const { reply, iopub } = await ch.execute('import os\nprint(6 * 7, os.getcwd())');
    assert.equal(reply.content.status, 'ok');
    assert.ok(iopub.some((m) => m.header.msg_type === 'stream' && m.content.text === '42 /project\n'));
  } finally {
    await ch.close();
  }
  await gw.stop();

  const tsx = await startGatewayProcess({ databaseUrl: fx.t.url, dataDir: fx.data.dir });
  gateways.push(tsx);
  const tsxRss = rssMib(tsx.child.pid!);
  await tsx.stop();
  ctx.diagnostic(`idle gateway RSS: bundled ${bundledRss} MiB, tsx ${tsxRss} MiB`);
});
