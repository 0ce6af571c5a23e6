import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_CALLBACK, safeCallbackPath } from './safe-callback-path';

test('paths of this app are kept, with their query and hash', () => {
  assert.equal(safeCallbackPath('/projects/abc/notebooks/def'), '/projects/abc/notebooks/def');
  assert.equal(safeCallbackPath('/admin/users?q=a%20b#top'), '/admin/users?q=a%20b#top');
  assert.equal(safeCallbackPath(['/admin', '/x']), '/admin');
  assert.equal(safeCallbackPath('/a/../b'), '/b');
});

test('anything that could lead to another site falls back to /projects', () => {
  for (const evil of [
    '/\t/evil.example', // browsers drop the tab: //evil.example
    '/%09/evil.example'.replace('%09', '\t'),
    '/\n/evil.example',
    '/\r\n/evil.example',
    '/\\evil.example', // browsers read \ as /
    '\\\\evil.example',
    '//evil.example',
    '//evil.example/projects',
    'https://evil.example/projects',
    'http:evil.example',
    'javascript:alert(1)',
    'evil.example',
    ' /projects',
    '/x\u0000',
    '',
    undefined,
    42,
  ]) {
    assert.equal(safeCallbackPath(evil), DEFAULT_CALLBACK, JSON.stringify(evil));
  }
});

test('an encoded path stays a path on this origin', () => {
  // Only the browser's own decoding matters: %2F%2F stays inside the path, not a new host.
  assert.equal(safeCallbackPath('/%2F%2Fevil.example'), '/%2F%2Fevil.example');
  assert.equal(safeCallbackPath('/%09/evil.example'), '/%09/evil.example');
});

test('with the app’s origin (next-auth’s redirect callback), absolute URLs on it are kept as paths', () => {
  const own = 'http://127.0.0.1:3000';
  assert.equal(safeCallbackPath('http://127.0.0.1:3000/projects/x', own), '/projects/x');
  assert.equal(safeCallbackPath('/signin', own), '/signin');
  assert.equal(safeCallbackPath('http://127.0.0.1:3001/projects', own), DEFAULT_CALLBACK);
  assert.equal(safeCallbackPath('http://evil.example/', own), DEFAULT_CALLBACK);
  assert.equal(safeCallbackPath('//evil.example', own), DEFAULT_CALLBACK);
  assert.equal(safeCallbackPath('http://127.0.0.1:3000\t/projects', own), DEFAULT_CALLBACK);
});
