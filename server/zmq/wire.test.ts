import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { DELIMITER, SignatureError, decodeWire, encodeWire, sign, verify, type TMessageParts } from './wire';

const key = Buffer.from('a0436f6c-1916-498b-8eb9-e81ab9368e84');
const parts: TMessageParts = [
  Buffer.from('{"msg_id":"1","msg_type":"execute_request"}'),
  Buffer.from('{}'),
  Buffer.from('{}'),
  Buffer.from('{"code":"1+1"}'),
];

test('sign matches an independent HMAC-SHA256 over the four parts (what jupyter_client computes)', () => {
  const h = createHmac('sha256', key);
  for (const p of parts) h.update(p);
  assert.equal(sign(key, parts), h.digest('hex'));
});

test('an empty key means unsigned messages', () => {
  assert.equal(sign(Buffer.alloc(0), parts), '');
  assert.equal(verify(Buffer.alloc(0), parts, Buffer.alloc(0)), true);
});

test('encode then decode round-trips parts, buffers and routing ids', () => {
  const buffers = [Buffer.from([0, 1, 2, 255])];
  const frames = encodeWire(key, { parts, buffers }, [Buffer.from('client-1')]);
  assert.deepEqual(frames[1], DELIMITER);
  const back = decodeWire(key, frames);
  assert.deepEqual(back.routingIds, [Buffer.from('client-1')]);
  assert.deepEqual(back.parts, parts);
  assert.deepEqual(back.buffers, buffers);
});

test('a tampered part, a wrong key or a missing delimiter is rejected', () => {
  const frames = encodeWire(key, { parts, buffers: [] });
  const tampered = [...frames];
  tampered[5] = Buffer.from('{"code":"import os"}');
  assert.throws(() => decodeWire(key, tampered), SignatureError);
  assert.throws(() => decodeWire(Buffer.from('other-key'), frames), SignatureError);
  assert.throws(() => decodeWire(key, frames.slice(1)), SignatureError);
  assert.throws(() => decodeWire(key, frames.slice(0, 4)), SignatureError);
});

test('buffers are not covered by the signature (as in the spec)', () => {
  const frames = encodeWire(key, { parts, buffers: [Buffer.from('x')] });
  frames[frames.length - 1] = Buffer.from('y');
  assert.deepEqual(decodeWire(key, frames).buffers, [Buffer.from('y')]);
});
