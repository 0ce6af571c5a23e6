import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MAX_NOTEBOOK_BYTES } from '../notebooks/notebook-size-limit';
import { checkApiRequest, MAX_API_BODY_BYTES } from './api-request-guard';

const OWN = ['http://127.0.0.1:3000', 'https://lattice.example'];

function check(method: string, headers: Record<string, string>, pathname = '/api/users') {
  return checkApiRequest({ method, pathname, headers: new Headers(headers), ownOrigins: OWN });
}

const json = { 'content-type': 'application/json', 'content-length': '20' };

test('a state-changing request from another origin is refused with CROSS_SITE, whatever it sends', () => {
  for (const method of ['POST', 'PUT', 'PATCH', 'DELETE']) {
    const refusal = check(method, { ...json, origin: 'http://evil.example' });
    assert.equal(refusal?.status, 403, method);
    assert.equal(refusal?.code, 'CROSS_SITE');
    assert.match(refusal!.message, /http:\/\/evil\.example/);
  }
  // Same host on another port or scheme is another origin.
  assert.equal(check('POST', { ...json, origin: 'http://127.0.0.1:3001' })?.code, 'CROSS_SITE');
  assert.equal(check('POST', { ...json, origin: 'null' })?.code, 'CROSS_SITE');
  // next-auth's sign-in posts are checked too (no sign-in CSRF from another site).
  assert.equal(check('POST', { origin: 'http://evil.example', 'content-type': 'application/x-www-form-urlencoded', 'content-length': '9' }, '/api/auth/callback/credentials')?.code, 'CROSS_SITE');
});

test('the app’s own origins and configured ones pass', () => {
  assert.equal(check('POST', { ...json, origin: 'http://127.0.0.1:3000' }), null);
  assert.equal(check('DELETE', { origin: 'https://lattice.example' }), null);
});

test('without Origin, Sec-Fetch-Site decides; with neither (curl, scripts) the request goes on', () => {
  assert.equal(check('POST', { ...json, 'sec-fetch-site': 'cross-site' })?.code, 'CROSS_SITE');
  assert.equal(check('POST', { ...json, 'sec-fetch-site': 'same-site' })?.code, 'CROSS_SITE');
  assert.equal(check('POST', { ...json, 'sec-fetch-site': 'same-origin' }), null);
  assert.equal(check('POST', { ...json, 'sec-fetch-site': 'none' }), null);
  assert.equal(check('POST', json), null);
});

test('reads are never refused here', () => {
  assert.equal(check('GET', { origin: 'http://evil.example', 'sec-fetch-site': 'cross-site' }), null);
  assert.equal(check('HEAD', { origin: 'http://evil.example' }), null);
});

test('a body must be JSON (or an import upload); next-auth’s form posts and bodiless requests pass', () => {
  const plain = check('POST', { 'content-type': 'text/plain;charset=UTF-8', 'content-length': '20' });
  assert.equal(plain?.status, 415);
  assert.equal(plain?.code, 'UNSUPPORTED_MEDIA_TYPE');
  assert.match(plain!.message, /application\/json/);
  assert.equal(check('PUT', { 'content-length': '20' })?.code, 'UNSUPPORTED_MEDIA_TYPE');
  assert.equal(check('POST', { 'content-type': 'application/x-www-form-urlencoded', 'content-length': '5' })?.code, 'UNSUPPORTED_MEDIA_TYPE');
  assert.equal(check('POST', { 'content-type': 'text/plain', 'transfer-encoding': 'chunked' })?.code, 'UNSUPPORTED_MEDIA_TYPE');
  assert.equal(check('POST', { 'content-type': 'application/jsonp', 'content-length': '5' })?.code, 'UNSUPPORTED_MEDIA_TYPE');

  assert.equal(check('POST', json), null);
  assert.equal(check('POST', { 'content-type': 'application/json; charset=utf-8', 'content-length': '5' }), null);
  assert.equal(check('POST', { 'content-type': 'multipart/form-data; boundary=----x', 'content-length': '500' }, '/api/projects/p/notebooks'), null);
  assert.equal(check('POST', { 'content-type': 'application/x-www-form-urlencoded', 'content-length': '50' }, '/api/auth/callback/credentials'), null);
  assert.equal(check('POST', { 'content-type': 'application/x-www-form-urlencoded', 'content-length': '50' }, '/api/auth/signout'), null);
  assert.equal(check('DELETE', {}), null);
  assert.equal(check('POST', { 'content-length': '0' }), null);
});

test('a body over the notebook limit is a 413 naming the limit; one at the limit passes', () => {
  assert.equal(MAX_API_BODY_BYTES, MAX_NOTEBOOK_BYTES);
  const over = check('PUT', { 'content-type': 'application/json', 'content-length': String(MAX_API_BODY_BYTES + 1) });
  assert.equal(over?.status, 413);
  assert.equal(over?.code, 'PAYLOAD_TOO_LARGE');
  assert.match(over!.message, /the limit for a notebook is 20\.0 MB/);
  assert.equal(check('PUT', { 'content-type': 'application/json', 'content-length': String(MAX_API_BODY_BYTES) }), null);
});
