/**
 * `GET /metrics`: valid Prometheus text exposition whose numbers follow what the gateway
 * does (kernels by state, launch latency by phase and pool hit/miss, pool counters,
 * websocket connections, messages and bytes relayed), with no ids, emails or tokens in it,
 * beside prom-client's process metrics under their standard names. Only a scraper holding
 * the scrape token reads them (issue 14 §1: labels name the environments users chose).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { eq } from 'drizzle-orm';
import { environments } from '../../db/schema';
import { createUserWithToken, gatewayFetch, openChannels, startTestGateway, type TTestGateway } from '../helpers/gateway';
import { createTestDatabase, type TTestDatabase } from '../helpers/postgres';

let t: TTestDatabase;
let gw: TTestGateway;
const METRICS_TOKEN = 'scrape-token-for-this-test-only';

before(async () => {
  t = await createTestDatabase();
  gw = await startTestGateway({ db: t.db, config: { poolRefreshMs: 300, metricsToken: METRICS_TOKEN } });
});

after(async () => {
  await gw?.close();
  await t?.drop();
});

interface TSample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** A strict reader of the text format: every sample belongs to a declared metric family. */
function parseExposition(text: string): { samples: TSample[]; types: Map<string, string> } {
  const types = new Map<string, string>();
  const samples: TSample[] = [];
  assert.ok(text.endsWith('\n'));
  for (const line of text.trimEnd().split('\n')) {
    // The format ignores empty lines; prom-client puts one between metric families.
    if (line === '' || line.startsWith('# HELP ')) continue;
    const type = /^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram|summary|untyped)$/.exec(line);
    if (type) {
      types.set(type[1], type[2]);
      continue;
    }
    // Values as Prometheus reads them (Go's ParseFloat): prom-client writes NaN as `Nan`.
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (-?[0-9.]+(?:e[+-]?[0-9]+)?|[+-]Inf|[Nn]a[Nn])$/.exec(line);
    assert.ok(m, `not a sample line: ${line}`);
    const labels: Record<string, string> = {};
    for (const pair of (m[2] ?? '').match(/[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\]|\\.)*"/g) ?? []) {
      const at = pair.indexOf('=');
      labels[pair.slice(0, at)] = pair.slice(at + 2, -1);
    }
    const family = m[1].replace(/_(bucket|sum|count)$/, '');
    assert.ok(types.has(m[1]) || types.get(family) === 'histogram', `sample ${m[1]} has no # TYPE`);
    samples.push({ name: m[1], labels, value: Number(m[3]) });
  }
  return { samples, types };
}

async function scrape(): Promise<{ text: string; value: (name: string, labels?: Record<string, string>) => number; types: Map<string, string> }> {
  const res = await fetch(`${gw.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
  const text = await res.text();
  const { samples, types } = parseExposition(text);
  const value = (name: string, labels: Record<string, string> = {}) =>
    samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v)).reduce((n, s) => n + s.value, 0);
  return { text, value, types };
}

async function until(what: string, f: () => Promise<boolean> | boolean, ms = 30_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await f())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

test('metrics need the scrape token: without it or with a user token 401, and no endpoint at all when none is set', async () => {
  const { token } = await createUserWithToken(t.db);
  for (const authorization of [undefined, `Bearer ${METRICS_TOKEN}x`, `token ${token}`, `Bearer ${token}`, METRICS_TOKEN]) {
    const res = await fetch(`${gw.url}/metrics`, { headers: authorization ? { authorization } : {} });
    const body = await res.json();
    assert.equal(res.status, 401, String(authorization));
    assert.equal(body.code, 'UNAUTHENTICATED');
    assert.match(body.message, /Bearer/, 'the message says what to send');
    assert.match(res.headers.get('www-authenticate') ?? '', /^Bearer/);
  }
  const unset = await startTestGateway({ db: t.db });
  try {
    const res = await fetch(`${unset.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    assert.equal(res.status, 404);
    assert.match((await res.json()).message, /LATTICE_METRICS_TOKEN/);
  } finally {
    await unset.close();
  }
});

test('metrics parse and move with launches, websockets and the pool', async () => {
  const { token, user } = await createUserWithToken(t.db);
  const before = await scrape();
  assert.equal(before.value('lattice_kernels'), 0);
  assert.equal(before.value('lattice_websocket_connections'), 0);

  const started = await gatewayFetch(gw, '/api/kernels', { token, method: 'POST', body: {} });
  assert.equal(started.status, 201);
  const kernelId = started.body.id;
  let m = await scrape();
  assert.equal(m.value('lattice_kernels', { state: 'idle' }), 1);
  for (const phase of ['provision', 'ready', 'total']) {
    assert.equal(m.value('lattice_kernel_launch_duration_seconds_count', { phase, pool: 'miss' }), 1, phase);
    assert.equal(m.value('lattice_kernel_launch_duration_seconds_bucket', { phase, pool: 'miss', le: '+Inf' }), 1, phase);
  }
  assert.ok(m.value('lattice_kernel_launch_duration_seconds_sum', { phase: 'total', pool: 'miss' }) > 0);
  assert.equal(m.value('lattice_kernel_transitions_total', { state: 'idle' }), 1);

  const ch = await openChannels(gw, kernelId, { token });
  assert.equal((await scrape()).value('lattice_websocket_connections'), 1);
  await ch.execute('print("hello")');
  m = await scrape();
  assert.ok(m.value('lattice_websocket_messages_total', { direction: 'to_kernel', channel: 'shell' }) >= 1);
  assert.ok(m.value('lattice_websocket_messages_total', { direction: 'to_client', channel: 'shell' }) >= 1);
  assert.ok(m.value('lattice_websocket_messages_total', { direction: 'to_client', channel: 'iopub' }) >= 3);
  assert.ok(m.value('lattice_websocket_bytes_total', { direction: 'to_client', channel: 'iopub' }) > 100);
  await ch.close();
  await until('connection gauge back to 0', async () => (await scrape()).value('lattice_websocket_connections') === 0);

  await t.db.update(environments).set({ poolSize: 1 }).where(eq(environments.slug, 'default'));
  await until('a ready pool kernel', async () => (await scrape()).value('lattice_pool_kernels', { environment: 'default', state: 'ready' }) === 1);
  m = await scrape();
  assert.equal(m.value('lattice_pool_target_size', { environment: 'default' }), 1);
  const hit = await gatewayFetch(gw, '/api/kernels', { token, method: 'POST', body: {} });
  const miss = await gatewayFetch(gw, '/api/kernels', { token, method: 'POST', body: {} });
  m = await scrape();
  assert.equal(m.value('lattice_pool_hits_total', { environment: 'default' }), 1);
  assert.equal(m.value('lattice_pool_misses_total', { environment: 'default' }), 1);
  assert.equal(m.value('lattice_kernel_launch_duration_seconds_count', { phase: 'total', pool: 'hit' }), 1);
  assert.equal(m.value('lattice_kernel_launch_duration_seconds_count', { phase: 'total', pool: 'miss' }), 2);
  assert.equal(m.value('lattice_kernels', { state: 'idle' }), 3);

  for (const id of [kernelId, hit.body.id, miss.body.id]) {
    assert.equal((await gatewayFetch(gw, `/api/kernels/${id}`, { token, method: 'DELETE' })).status, 204);
  }
  m = await scrape();
  assert.equal(m.value('lattice_kernels'), 0);
  assert.equal(m.value('lattice_kernel_transitions_total', { state: 'stopped' }), 3);
  for (const secret of [kernelId, hit.body.id, user.id, user.email, token]) assert.equal(m.text.includes(secret), false, 'aggregates only');
  await t.db.update(environments).set({ poolSize: 0 }).where(eq(environments.slug, 'default'));
});

test('the process metrics an operator watches memory and latency by are there and plausible', async () => {
  // The GC histogram hears of collections asynchronously (a PerformanceObserver): make garbage until it has.
  await until('a garbage collection observed', async () => {
    JSON.parse(JSON.stringify(Array.from({ length: 100_000 }, (_, j) => ({ j }))));
    return (await scrape()).value('nodejs_gc_duration_seconds_count') > 0;
  });
  const m = await scrape();
  const expected: Record<string, string> = {
    process_resident_memory_bytes: 'gauge',
    process_cpu_seconds_total: 'counter',
    process_start_time_seconds: 'gauge',
    process_open_fds: 'gauge',
    nodejs_heap_size_used_bytes: 'gauge',
    nodejs_heap_size_total_bytes: 'gauge',
    nodejs_eventloop_lag_seconds: 'gauge',
    nodejs_eventloop_lag_p99_seconds: 'gauge',
    nodejs_gc_duration_seconds: 'histogram',
    nodejs_version_info: 'gauge',
  };
  for (const [name, type] of Object.entries(expected)) assert.equal(m.types.get(name), type, name);

  const rss = m.value('process_resident_memory_bytes');
  assert.ok(rss > 10 * 1024 * 1024 && rss < 64 * 1024 ** 3, `RSS ${rss} bytes`);
  const heapUsed = m.value('nodejs_heap_size_used_bytes');
  assert.ok(heapUsed > 0 && heapUsed <= m.value('nodejs_heap_size_total_bytes'), `heap used ${heapUsed}`);
  assert.ok(heapUsed < rss, 'the heap is part of the resident set');
  assert.ok(m.value('process_cpu_seconds_total') > 0);
  const startedAt = m.value('process_start_time_seconds');
  assert.ok(startedAt > 0 && startedAt <= Date.now() / 1000, `start time ${startedAt}`);
  assert.ok(m.value('process_open_fds') > 0);
  const lag = m.value('nodejs_eventloop_lag_seconds');
  assert.ok(lag >= 0 && lag < 60, `event-loop lag ${lag} s`);
  assert.equal(m.value('nodejs_version_info', { version: process.version }), 1);
});
