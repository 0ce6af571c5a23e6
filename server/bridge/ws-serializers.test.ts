import { test } from 'node:test';
import assert from 'node:assert/strict';
import { serialize, deserialize } from '@jupyterlab/services/lib/kernel/serialize.js';
import type { KernelMessage } from '@jupyterlab/services';
import { MalformedFrameError } from '../zmq/messages';
import type { TRelayMessage } from './relay-message';
import { V1_PROTOCOL, decodeLegacy, decodeV1, encodeLegacy, encodeV1 } from './ws-serializers';

const header = { msg_id: 'm1', msg_type: 'comm_msg', session: 's1', username: 'u', date: '2024-01-01T00:00:00.000Z', version: '5.3' };
const json = (v: unknown) => Buffer.from(JSON.stringify(v));
function relay(buffers: Buffer[] = []): TRelayMessage {
  return {
    channel: 'iopub',
    parts: [json(header), json({ msg_id: 'p0', msg_type: 'execute_request' }), json({ k: 1 }), json({ data: { text: 'héllo ✓' } })],
    buffers,
  };
}
const bin = [Buffer.from([0, 1, 2, 3, 254, 255]), Buffer.alloc(0), Buffer.from('second')];

test('v1: encode → decode round-trips channel, parts and binary buffers byte for byte', () => {
  for (const buffers of [[], bin]) {
    const back = decodeV1(encodeV1(relay(buffers)));
    assert.equal(back.channel, 'iopub');
    assert.deepEqual(back.parts, relay().parts);
    assert.deepEqual(back.buffers, buffers);
  }
});

test('v1: frames interoperate with @jupyterlab/services in both directions', () => {
  const ours = encodeV1(relay(bin));
  const theirs = deserialize(Uint8Array.from(ours).buffer, V1_PROTOCOL);
  assert.equal(theirs.channel, 'iopub');
  assert.deepEqual(theirs.content, { data: { text: 'héllo ✓' } });
  assert.deepEqual(theirs.buffers?.map((b) => Buffer.from((b as DataView).buffer)), bin);

  const msg = { ...theirs, channel: 'shell', buffers: [new Uint8Array([9, 8, 7]).buffer] } as unknown as KernelMessage.IMessage;
  const back = decodeV1(Buffer.from(serialize(msg, V1_PROTOCOL) as ArrayBuffer));
  assert.equal(back.channel, 'shell');
  assert.deepEqual(JSON.parse(back.parts[3].toString()), { data: { text: 'héllo ✓' } });
  assert.deepEqual(back.buffers, [Buffer.from([9, 8, 7])]);
});

test('legacy: text and binary frames round-trip, buffers included', () => {
  for (const buffers of [[], bin]) {
    const frame = encodeLegacy(relay(buffers));
    assert.equal(typeof frame === 'string', buffers.length === 0);
    const back = decodeLegacy(frame, typeof frame !== 'string');
    assert.equal(back.channel, 'iopub');
    assert.deepEqual(back.parts, relay().parts);
    assert.deepEqual(back.buffers, buffers);
  }
});

test('legacy: frames interoperate with @jupyterlab/services in both directions', () => {
  const text = encodeLegacy(relay()) as string;
  // The legacy deserializer takes text frames as strings, whatever its typing says.
  const theirs = deserialize(text as unknown as ArrayBuffer);
  assert.equal(theirs.header.msg_id, 'm1');
  assert.equal(theirs.channel, 'iopub');

  const binary = encodeLegacy(relay(bin)) as Buffer;
  const theirsBin = deserialize(Uint8Array.from(binary).buffer);
  assert.deepEqual(theirsBin.buffers?.map((b) => Buffer.from((b as DataView).buffer)), bin);

  const outgoing = { ...theirs, channel: 'control', buffers: [new Uint8Array([1, 2]).buffer] } as unknown as KernelMessage.IMessage;
  const back = decodeLegacy(Buffer.from(serialize(outgoing) as ArrayBuffer), true);
  assert.equal(back.channel, 'control');
  assert.deepEqual(back.buffers, [Buffer.from([1, 2])]);
  assert.equal(JSON.parse(back.parts[0].toString()).msg_id, 'm1');
});

test('legacy: a frame without channel goes to shell; missing parts become {}', () => {
  const back = decodeLegacy(JSON.stringify({ header }), false);
  assert.equal(back.channel, 'shell');
  assert.deepEqual(back.parts.slice(1).map(String), ['{}', '{}', '{}']);
});

test('malformed frames throw MalformedFrameError', () => {
  const bad: Array<() => unknown> = [
    () => decodeLegacy('not json', false),
    () => decodeLegacy('[1,2]', false),
    () => decodeLegacy(JSON.stringify({ header: { msg_id: 'x' } }), false),
    () => decodeLegacy(JSON.stringify({ header, channel: 'nope' }), false),
    () => decodeLegacy(Buffer.from([0, 0, 0, 9, 0, 0]), true),
    () => decodeV1(Buffer.from('garbage')),
    () => decodeV1(Buffer.alloc(64)),
    () => decodeV1(Buffer.concat([encodeV1(relay()).subarray(0, 60)])),
  ];
  for (const f of bad) assert.throws(f, MalformedFrameError);
  const wrongChannel = encodeV1({ ...relay(), channel: 'bogus' as 'shell' });
  assert.throws(() => decodeV1(wrongChannel), MalformedFrameError);
});
