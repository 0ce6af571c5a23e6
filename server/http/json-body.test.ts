import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import Fastify, { type FastifyInstance } from 'fastify';
import { registerErrorHandling } from './errors';
import { registerJsonBodies } from './json-body';

let app: FastifyInstance;

before(async () => {
  app = Fastify({ bodyLimit: 1024 });
  registerJsonBodies(app);
  registerErrorHandling(app);
  app.post('/echo', async (request) => ({ type: request.headers['content-type'] ?? null, body: request.body ?? null }));
  await app.ready();
});

after(() => app.close());

const post = (payload: string, headers: Record<string, string> = {}) => app.inject({ method: 'POST', url: '/echo', payload, headers });

test('a JSON body without Content-Type is read as JSON (Enterprise Gateway’s client sends it so)', async () => {
  const res = await post('{"name": "python3", "env": {"KERNEL_USERNAME": "bob"}}');
  assert.equal(res.statusCode, 200, res.body);
  assert.deepEqual(res.json(), { type: null, body: { name: 'python3', env: { KERNEL_USERNAME: 'bob' } } });
});

test('JSON is read whatever the Content-Type says, as jupyter_server does', async () => {
  for (const type of ['application/json', 'application/json; charset=utf-8', 'text/plain;charset=UTF-8', 'application/x-www-form-urlencoded', 'application/octet-stream']) {
    const res = await post('{"name":"default"}', { 'content-type': type });
    assert.equal(res.statusCode, 200, `${type}: ${res.body}`);
    assert.deepEqual(res.json().body, { name: 'default' }, type);
  }
});

test('an empty body is an empty object; no body at all reaches the route as none', async () => {
  assert.deepEqual((await post('', { 'content-type': 'application/json' })).json().body, {});
  assert.deepEqual((await post('  \n')).json(), { type: null, body: {} });
  assert.deepEqual((await app.inject({ method: 'POST', url: '/echo' })).json(), { type: null, body: null });
});

test('a body that is not JSON is a 400 {code, message} that says what to send', async () => {
  for (const headers of [{}, { 'content-type': 'text/plain' }, { 'content-type': 'application/x-www-form-urlencoded' }] as Array<Record<string, string>>) {
    const res = await post('name=python3', headers);
    assert.equal(res.statusCode, 400, res.body);
    const body = res.json();
    assert.equal(body.code, 'BAD_REQUEST');
    assert.match(body.message, /^The request body is not valid JSON \(.+\); send a JSON object such as \{"name": "python3"\}\.$/);
  }
});

test('a body over the limit is still a clear 400', async () => {
  const res = await post(JSON.stringify({ code: 'x'.repeat(2000) }));
  assert.equal(res.statusCode, 400, res.body);
  assert.equal(res.json().code, 'BAD_REQUEST');
  assert.match(res.json().message, /too large/i);
});
