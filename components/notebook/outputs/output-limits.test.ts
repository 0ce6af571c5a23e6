import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { appendOutput, appendStream, droppedOutputs, type TRuntimeOutput } from './output-limits';

const display = (i: number): TRuntimeOutput => ({ output_type: 'display_data', data: { 'text/plain': String(i) }, metadata: {} });
const textOf = (o: TRuntimeOutput) => (o.output_type === 'display_data' ? o.data['text/plain'] : null);

describe('output limits', () => {
  test('100,000 displays keep the first and the last ones and one marker counting the rest', () => {
    let outputs: TRuntimeOutput[] = [];
    const limits = { head: 3, tail: 2 };
    for (let i = 0; i < 100_000; i++) outputs = appendOutput(outputs, display(i), limits);
    assert.equal(outputs.length, 6);
    assert.deepEqual(outputs.slice(0, 3).map(textOf), ['0', '1', '2']);
    assert.equal(droppedOutputs(outputs[3]!), 99_995);
    assert.deepEqual(outputs.slice(4).map(textOf), ['99998', '99999']);
  });

  test('stream messages continue the last output of the same stream; its buffer is never saved', () => {
    let outputs: TRuntimeOutput[] = [];
    outputs = appendStream(outputs, 'stdout', 'a\r');
    outputs = appendStream(outputs, 'stdout', 'b\n');
    outputs = appendStream(outputs, 'stderr', 'warn\n');
    assert.deepEqual(outputs, [
      { output_type: 'stream', name: 'stdout', text: 'b\n' },
      { output_type: 'stream', name: 'stderr', text: 'warn\n' },
    ]);
    assert.equal(outputs[0]!.stream?.download().chunks.join(''), 'a\rb\n');
    assert.equal(JSON.stringify(outputs[0]), '{"output_type":"stream","name":"stdout","text":"b\\n"}');
  });

  test('a saved stream output continued by a new message is re-read into a buffer', () => {
    const outputs = appendStream([{ output_type: 'stream', name: 'stdout', text: ['50%', '\r'] }], 'stdout', '100%\n');
    assert.deepEqual(outputs, [{ output_type: 'stream', name: 'stdout', text: '100%\n' }]);
  });
});
