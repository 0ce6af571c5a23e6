import assert from 'node:assert/strict';
import { test } from 'node:test';
import { gatewayOrigins, newNonce, pageContentSecurityPolicy } from './page-security-headers';

test('the gateway is the page host on the gateway port, unless a public URL is configured', () => {
  assert.deepEqual(gatewayOrigins({ port: 8888 }, { protocol: 'http:', host: '127.0.0.1:3000' }), ['http://127.0.0.1:8888', 'ws://127.0.0.1:8888']);
  assert.deepEqual(gatewayOrigins({ port: 8888 }, { protocol: 'https:', host: 'lattice.example' }), ['https://lattice.example:8888', 'wss://lattice.example:8888']);
  assert.deepEqual(gatewayOrigins({ port: 8888 }, { protocol: 'http:', host: '[::1]:3000' }), ['http://[::1]:8888', 'ws://[::1]:8888']);
  assert.deepEqual(gatewayOrigins({ publicUrl: 'https://gw.example/base/', port: 8888 }, { protocol: 'http:', host: 'x:3000' }), ['https://gw.example', 'wss://gw.example']);
});

test('the policy: nonce-only scripts, the gateway reachable, nothing else from elsewhere, never framed', () => {
  const csp = pageContentSecurityPolicy({ nonce: 'abc', gatewayOrigins: ['http://h:8888', 'ws://h:8888'], dev: false });
  const directives = Object.fromEntries(csp.split('; ').map((d) => [d.split(' ')[0], d.split(' ').slice(1).join(' ')]));
  assert.deepEqual(directives, {
    'default-src': "'self'",
    'script-src': "'self' 'nonce-abc' 'strict-dynamic'",
    'style-src': "'self' 'unsafe-inline'",
    'img-src': "'self' data: blob:",
    'font-src': "'self' data:",
    'connect-src': "'self' http://h:8888 ws://h:8888",
    'frame-src': "'self'",
    'frame-ancestors': "'none'",
    'object-src': "'none'",
    'base-uri': "'self'",
    'form-action': "'self'",
  });
  assert.match(pageContentSecurityPolicy({ nonce: 'n', gatewayOrigins: [], dev: true }), /script-src 'self' 'nonce-n' 'strict-dynamic' 'unsafe-eval';/);
});

test('each nonce is new and 128 bits of base64', () => {
  const a = newNonce();
  assert.match(a, /^[A-Za-z0-9+/]{22}==$/);
  assert.notEqual(a, newNonce());
});
