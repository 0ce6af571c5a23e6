import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { captureOutput, type TCapture } from './output-capture';

function feed(...messages: [string, Record<string, unknown>][]): TCapture {
  return messages.reduce<TCapture>((c, [type, content]) => captureOutput(c, type, content) ?? c, { outputs: [], clearPending: false });
}

describe('Output widget capture', () => {
  test('prints are joined into one stream output, as in a cell', () => {
    const c = feed(['stream', { name: 'stdout', text: 'captured\n' }], ['stream', { name: 'stdout', text: 'again\n' }]);
    assert.deepEqual(c.outputs, [{ output_type: 'stream', name: 'stdout', text: 'captured\nagain\n' }]);
  });

  test('display data, results and errors become outputs (display ids are not kept)', () => {
    const c = feed(
      ['display_data', { data: { 'text/plain': 'x' }, metadata: {}, transient: { display_id: 'd1' } }],
      ['execute_result', { data: { 'text/plain': '2' }, metadata: {}, execution_count: 3 }],
      ['error', { ename: 'ValueError', evalue: 'bad', traceback: ['tb'] }],
    );
    assert.deepEqual(c.outputs, [
      { output_type: 'display_data', data: { 'text/plain': 'x' }, metadata: {} },
      { output_type: 'execute_result', data: { 'text/plain': '2' }, metadata: {}, execution_count: 3 },
      { output_type: 'error', ename: 'ValueError', evalue: 'bad', traceback: ['tb'] },
    ]);
  });

  test('clear_output(wait=True) keeps the old output until the next one replaces it (interact)', () => {
    const first = feed(['stream', { name: 'stdout', text: '10\n' }]);
    const waiting = captureOutput(first, 'clear_output', { wait: true })!;
    assert.equal(waiting.outputs, first.outputs, 'nothing changes until the next output');
    assert.equal(waiting.clearPending, true);
    const next = captureOutput(waiting, 'stream', { name: 'stdout', text: '11\n' })!;
    assert.deepEqual(next, { outputs: [{ output_type: 'stream', name: 'stdout', text: '11\n' }], clearPending: false });
  });

  test('clear_output without wait empties at once', () => {
    const c = feed(['stream', { name: 'stdout', text: 'a\n' }], ['clear_output', { wait: false }]);
    assert.deepEqual(c, { outputs: [], clearPending: false });
  });

  test('messages that are not outputs are left to the cell', () => {
    const empty = { outputs: [], clearPending: false };
    assert.equal(captureOutput(empty, 'status', { execution_state: 'busy' }), null);
    assert.equal(captureOutput(empty, 'execute_input', { code: 'x' }), null);
    assert.equal(captureOutput(empty, 'comm_msg', {}), null);
  });
});
