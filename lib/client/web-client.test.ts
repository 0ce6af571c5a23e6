import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { z } from 'zod';
import { RequestError } from './request-error';
import { json, startTestServer } from '../../tests/helpers/http-test-server';
import { WebClient, ZUnread } from './web-client';

const ZThing = z.object({ id: z.string(), count: z.number() });

let server: Awaited<ReturnType<typeof startTestServer>>;
let signIns = 0;
let client: WebClient;

before(async () => {
  server = await startTestServer((req, res) => {
    switch (req.url) {
      case '/api/thing':
        return json(res, 200, { id: 'a', count: 2 });
      case '/api/echo':
        return json(res, 201, { id: req.headers['content-type'] ?? '', count: req.body.length });
      case '/api/wrong-shape':
        return json(res, 200, { id: 'a', count: 'two' });
      case '/api/not-json':
        return res.writeHead(200, { 'content-type': 'text/html' }).end('<html>hello</html>');
      case '/api/refused':
        return json(res, 400, { code: 'BAD_REQUEST', message: 'Invalid project: name: Required', reason: 'x', fields: { name: 'Required' } });
      case '/api/conflict':
        return json(res, 409, { code: 'VERSION_CONFLICT', message: 'This notebook was saved by Ann at 10:02 after you opened it.' });
      case '/api/signed-out':
        return json(res, 401, { code: 'UNAUTHENTICATED', message: 'Sign in first.' });
      case '/api/proxy-down':
        return res.writeHead(502, { 'content-type': 'text/html' }).end('<html>Bad Gateway</html>');
      case '/api/lattice-503':
        return json(res, 503, { code: 'KERNEL_UNAVAILABLE', message: 'The kernel is not reachable right now.' });
      case '/api/gone':
        return res.writeHead(204).end();
      default:
        return res.writeHead(404, { 'content-type': 'text/html' }).end('<html>This page could not be found.</html>');
    }
  });
  client = new WebClient({ origin: server.url, onUnauthenticated: () => signIns++ });
});

after(() => server.close());

async function failure(p: Promise<unknown>): Promise<RequestError> {
  const err = await p.then(
    () => assert.fail('expected the request to fail'),
    (e: unknown) => e,
  );
  assert.ok(err instanceof RequestError, `a RequestError, not ${String(err)}`);
  return err;
}

test('an answer of the expected shape is returned as parsed', async () => {
  assert.deepEqual(await client.get('/api/thing', ZThing), { id: 'a', count: 2 });
});

test('a JSON body goes out as application/json; FormData as multipart with its file', async () => {
  const sent = await client.send('POST', '/api/echo', ZThing, { name: 'x' });
  assert.equal(sent.id, 'application/json');
  assert.equal(server.seen.at(-1)!.body, '{"name":"x"}');

  const form = new FormData();
  form.set('file', new Blob(['{"cells": []}'], { type: 'application/json' }), 'a.ipynb');
  const uploaded = await client.send('POST', '/api/echo', ZThing, form);
  assert.match(uploaded.id, /^multipart\/form-data; boundary=/);
  assert.match(server.seen.at(-1)!.body, /filename="a\.ipynb"[\s\S]*\{"cells": \[\]\}/);
});

test("a refusal carries the server's code, message, fields and status", async () => {
  const err = await failure(client.send('POST', '/api/refused', ZThing, {}));
  assert.deepEqual([err.service, err.status, err.code, err.message, err.fields], ['web', 400, 'BAD_REQUEST', 'Invalid project: name: Required', { name: 'Required' }]);
  assert.equal(err.unreachable, false);
  const conflict = await failure(client.send('PUT', '/api/conflict', ZThing, {}));
  assert.deepEqual([conflict.status, conflict.code], [409, 'VERSION_CONFLICT']);
  assert.match(conflict.message, /saved by Ann/);
});

test('a 401 sends the user to sign in and still fails the call', async () => {
  const before = signIns;
  const err = await failure(client.get('/api/signed-out', ZThing));
  assert.deepEqual([err.status, err.code], [401, 'UNAUTHENTICATED']);
  assert.equal(signIns, before + 1);
});

test('an answer of the wrong shape, or not JSON, is INVALID_RESPONSE naming what was wrong', async () => {
  const wrong = await failure(client.get('/api/wrong-shape', ZThing));
  assert.deepEqual([wrong.status, wrong.code], [200, 'INVALID_RESPONSE']);
  assert.match(wrong.message, /count: .*number/);
  const html = await failure(client.get('/api/not-json', ZThing));
  assert.equal(html.code, 'INVALID_RESPONSE');
  assert.match(html.message, /not JSON/);
});

test('a 502 page from a proxy is UNAVAILABLE (unreachable); a Lattice 503 is the server speaking', async () => {
  const proxy = await failure(client.get('/api/proxy-down', ZThing));
  assert.deepEqual([proxy.status, proxy.code, proxy.unreachable], [502, 'UNAVAILABLE', true]);
  assert.match(proxy.message, /HTTP 502/);
  const lattice = await failure(client.get('/api/lattice-503', ZThing));
  assert.deepEqual([lattice.status, lattice.code, lattice.unreachable], [503, 'KERNEL_UNAVAILABLE', false]);
});

test('an error without a Lattice body is named by its status', async () => {
  const err = await failure(client.get('/api/no-such-route', ZThing));
  assert.deepEqual([err.status, err.code], [404, 'NOT_FOUND']);
  assert.match(err.message, /HTTP 404/);
});

test('an empty 204 is null, which only a schema that reads nothing accepts', async () => {
  assert.equal(await client.send('DELETE', '/api/gone', ZUnread), null);
  assert.equal((await failure(client.send('DELETE', '/api/gone', ZThing))).code, 'INVALID_RESPONSE');
});

test('a server that is not there is NETWORK, status 0, unreachable', async () => {
  const gone = await startTestServer((_req, res) => res.end());
  await gone.close();
  const err = await failure(new WebClient({ origin: gone.url }).get('/api/thing', ZThing));
  assert.deepEqual([err.service, err.status, err.code, err.unreachable], ['web', 0, 'NETWORK', true]);
});
