import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { editorReducer, fromNotebook } from './notebook-model';
import { executionSpan, formatDuration, TIMING_KEYS, timingFromIOPub, timingFromReply, withoutTiming, withTiming } from './execution-timing';

describe('execution timing', () => {
  test('a run records the five timestamps JupyterLab records, from the kernel messages', () => {
    let metadata: Record<string, unknown> = withoutTiming({ tags: ['x'], execution: { 'shell.execute_reply': 'old' } });
    const messages: [string, Record<string, unknown>, string][] = [
      ['status', { execution_state: 'busy' }, '2026-12-05T14:02:11.000Z'],
      ['execute_input', { code: 'x', execution_count: 1 }, '2026-12-05T14:02:11.010Z'],
      ['stream', { name: 'stdout', text: 'hi' }, '2026-12-05T14:02:12.000Z'],
      ['status', { execution_state: 'idle' }, '2026-12-05T14:02:13.450Z'],
    ];
    for (const [type, content, date] of messages) {
      const t = timingFromIOPub(type, content, date);
      if (t) metadata = withTiming(metadata, t);
    }
    metadata = withTiming(metadata, timingFromReply({ date: '2026-12-05T14:02:13.410Z', started: '2026-12-05T14:02:11.005Z' }));
    assert.deepEqual(Object.keys(metadata.execution as object).sort(), [...TIMING_KEYS].sort());
    assert.deepEqual(metadata.tags, ['x']);
    assert.equal((metadata.execution as Record<string, string>)['shell.execute_reply'], '2026-12-05T14:02:13.410Z');
    const span = executionSpan(metadata)!;
    assert.equal(span.started.toISOString(), '2026-12-05T14:02:11.010Z');
    assert.equal(span.tookMs, 2400);
    assert.equal(formatDuration(span.tookMs!), '2.4 s');
  });

  test('while running there is a start and no duration; durations read as people say them', () => {
    assert.equal(executionSpan({ execution: { 'iopub.status.busy': '2026-12-05T14:02:11Z' } })!.tookMs, null);
    assert.equal(executionSpan({}), null);
    assert.equal(formatDuration(125_000), '2 min 5 s');
    assert.equal(formatDuration(3_780_000), '1 h 3 min');
  });

  test('timing goes through the model into the saved cell metadata', () => {
    let s = fromNotebook({ metadata: {}, nbformat: 4, nbformat_minor: 5, cells: [{ id: 'a', cell_type: 'code', metadata: {}, source: '1', outputs: [], execution_count: null }] });
    const before = s.revision;
    s = editorReducer(s, { type: 'update-metadata', ids: ['a'], update: (m) => withTiming(m, { 'iopub.status.busy': '2026-12-05T14:02:11Z' }) });
    assert.equal(s.revision, before + 1);
    assert.deepEqual(s.cells[0]!.metadata, { execution: { 'iopub.status.busy': '2026-12-05T14:02:11Z' } });
  });
});
