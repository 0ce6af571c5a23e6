import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { newNotebook } from '@/common/nbformat/new-notebook';
import { validateNotebook } from '@/common/nbformat/validate-notebook';
import { editorReducer, fromNotebook, newEditorCell, toNotebook, type TEditorAction, type TEditorState } from './notebook-model';

function run(state: TEditorState, ...actions: TEditorAction[]): TEditorState {
  return actions.reduce(editorReducer, state);
}
const start = () => fromNotebook(newNotebook());
const msg = (id: string, msgType: string, content: Record<string, unknown>): TEditorAction => ({ type: 'kernel-message', id, msgType, content });

describe('editing cells', () => {
  test('insert, move, change type and delete keep a valid notebook and mark changes', () => {
    let s = start();
    const first = s.cells[0]!.id;
    const md = newEditorCell('markdown', '# Title');
    s = run(s, { type: 'insert', index: 0, cell: md }, { type: 'move', id: md.id, delta: 1 }, { type: 'set-type', id: first, cellType: 'raw' });
    assert.deepEqual(s.cells.map((c) => c.cellType), ['raw', 'markdown']);
    assert.equal(s.activeId, md.id);
    assert.ok(s.revision >= 3);
    s = run(s, { type: 'delete', id: md.id });
    assert.equal(s.activeId, first);
    assert.ok(validateNotebook(toNotebook(s)).ok);
  });

  test('activating a cell or toggling Markdown editing is not a change to save', () => {
    const s = start();
    const s2 = run(s, { type: 'activate', id: s.cells[0]!.id }, { type: 'set-editing', id: s.cells[0]!.id, editing: true });
    assert.equal(s2.revision, s.revision);
  });

  test('the kernelspec of an attached environment is taken into what is saved, without a save of its own', () => {
    const s = start();
    const kernelspec = { name: 'big-memory', display_name: 'Big memory · 2 vCPU · 8 GiB', language: 'python' };
    const s2 = run(s, { type: 'set-kernelspec', kernelspec });
    assert.equal(s2.revision, s.revision);
    assert.deepEqual(toNotebook(s2).metadata.kernelspec, kernelspec);
    assert.deepEqual(toNotebook(s2).metadata.language_info, { name: 'python' });
  });
});

describe('kernel messages become outputs', () => {
  test('streams merge, carriage returns overwrite, counts come from execute_input and the reply', () => {
    let s = start();
    const id = s.cells[0]!.id;
    s = run(
      s,
      { type: 'run-start', id },
      msg(id, 'execute_input', { execution_count: 3, code: 'x' }),
      msg(id, 'stream', { name: 'stdout', text: 'hel' }),
      msg(id, 'stream', { name: 'stdout', text: 'lo\n10%\r100%\n' }),
      msg(id, 'stream', { name: 'stderr', text: 'warn\n' }),
      msg(id, 'execute_result', { execution_count: 3, data: { 'text/plain': '2' }, metadata: {} }),
      { type: 'run-end', id, executionCount: 3 },
    );
    const cell = s.cells[0]!;
    assert.equal(cell.executionCount, 3);
    assert.equal(cell.run, 'idle');
    assert.deepEqual(cell.outputs, [
      { output_type: 'stream', name: 'stdout', text: 'hello\n100%\n' },
      { output_type: 'stream', name: 'stderr', text: 'warn\n' },
      { output_type: 'execute_result', execution_count: 3, data: { 'text/plain': '2' }, metadata: {} },
    ]);
    assert.ok(validateNotebook(toNotebook(s)).ok);
  });

  test('clear_output(wait) clears just before the next output; a new run clears old outputs', () => {
    let s = start();
    const id = s.cells[0]!.id;
    s = run(s, { type: 'run-start', id }, msg(id, 'stream', { name: 'stdout', text: 'a' }), msg(id, 'clear_output', { wait: true }));
    assert.equal(s.cells[0]!.outputs.length, 1);
    s = run(s, msg(id, 'stream', { name: 'stdout', text: 'b' }));
    assert.deepEqual(s.cells[0]!.outputs, [{ output_type: 'stream', name: 'stdout', text: 'b' }]);
    s = run(s, msg(id, 'clear_output', { wait: false }));
    assert.deepEqual(s.cells[0]!.outputs, []);
  });

  test('update_display_data changes every output shown with that display id, in any cell; the id is never saved', () => {
    let s = start();
    const a = s.cells[0]!.id;
    const other = newEditorCell('code');
    s = run(s, { type: 'insert', index: 1, cell: other });
    const shown = { data: { 'text/plain': 'v1' }, metadata: {}, transient: { display_id: 'd1' } };
    s = run(s, msg(a, 'display_data', shown), msg(other.id, 'display_data', shown));
    s = run(s, msg(other.id, 'update_display_data', { data: { 'text/plain': 'v2' }, metadata: {}, transient: { display_id: 'd1' } }));
    for (const cell of s.cells) assert.deepEqual((cell.outputs[0] as any).data, { 'text/plain': 'v2' });
    const saved = toNotebook(s);
    assert.ok(!JSON.stringify(saved).includes('displayId'));
    assert.ok(validateNotebook(saved).ok);
  });

  test('errors keep their traceback', () => {
    let s = start();
    const id = s.cells[0]!.id;
    s = run(s, msg(id, 'error', { ename: 'NameError', evalue: "name 'x' is not defined", traceback: ['\x1b[31mNameError\x1b[0m'] }));
    assert.deepEqual(s.cells[0]!.outputs[0], { output_type: 'error', ename: 'NameError', evalue: "name 'x' is not defined", traceback: ['\x1b[31mNameError\x1b[0m'] });
  });

  test('queued cells are released when a run is abandoned', () => {
    let s = start();
    const id = s.cells[0]!.id;
    s = run(s, { type: 'queue', ids: [id] });
    assert.equal(s.cells[0]!.run, 'queued');
    s = run(s, { type: 'cancel-queued' });
    assert.equal(s.cells[0]!.run, 'idle');
  });
});
