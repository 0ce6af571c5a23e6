import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PEER_ADDRESS_HEADER, signInClientAddress, trustedProxyList } from './sign-in-client-address';

const none = trustedProxyList('');
const proxies = trustedProxyList('10.0.0.5, 172.16.0.0/12, fd00::/8');

test('without trusted proxies the peer counts and X-Forwarded-For is ignored', () => {
  const headers = { [PEER_ADDRESS_HEADER]: '::ffff:203.0.113.9', 'x-forwarded-for': '198.51.100.1' };
  assert.equal(signInClientAddress(headers, none), '203.0.113.9');
});

test('a peer that is a configured proxy lets the nearest untrusted forwarded hop count', () => {
  const headers = { [PEER_ADDRESS_HEADER]: '10.0.0.5', 'x-forwarded-for': '6.6.6.6, 198.51.100.7, 172.16.3.4' };
  assert.equal(signInClientAddress(headers, proxies), '198.51.100.7');
});

test('a proxy that forwarded nothing usable is itself the client', () => {
  assert.equal(signInClientAddress({ [PEER_ADDRESS_HEADER]: '10.0.0.5' }, proxies), '10.0.0.5');
  assert.equal(signInClientAddress({ [PEER_ADDRESS_HEADER]: '10.0.0.5', 'x-forwarded-for': 'not-an-ip' }, proxies), '10.0.0.5');
});

test('a peer outside the proxy list cannot choose its address', () => {
  const headers = { [PEER_ADDRESS_HEADER]: '192.0.2.1', 'x-forwarded-for': '10.0.0.5' };
  assert.equal(signInClientAddress(headers, proxies), '192.0.2.1');
});

test('no peer header (web started without the preload) falls into one shared bucket', () => {
  assert.equal(signInClientAddress({ 'x-forwarded-for': '198.51.100.1' }, none), 'unknown');
  assert.equal(signInClientAddress(undefined, none), 'unknown');
});

test('a malformed proxy setting names the entry', () => {
  assert.throws(() => trustedProxyList('10.0.0.1, proxy.local'), /"proxy.local" is not an IP address or CIDR range/);
  assert.throws(() => trustedProxyList('10.0.0.0/33'), /"10.0.0.0\/33"/);
});
