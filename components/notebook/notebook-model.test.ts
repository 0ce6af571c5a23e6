import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { newNotebook } from '@/common/nbformat/new-notebook';
import { validateNotebook } from '@/common/nbformat/validate-notebook';
import { editorReducer, fromNotebook, newEditorCell, selectedIds, toNotebook, type TEditorAction, type TEditorState } from './notebook-model';

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
    s = run(s, { type: 'insert', index: 0, cell: md }, { type: 'move', ids: [md.id], delta: 1 }, { type: 'set-type', ids: [first], cellType: 'raw' });
    assert.deepEqual(s.cells.map((c) => c.cellType), ['raw', 'markdown']);
    assert.equal(s.activeId, md.id);
    assert.ok(s.revision >= 3);
    s = run(s, { type: 'delete', ids: [md.id] });
    assert.equal(s.activeId, first);
    assert.ok(validateNotebook(toNotebook(s)).ok);
  });

  test('selecting a cell, changing mode or toggling Markdown editing is not a change to save', () => {
    const s = start();
    const s2 = run(s, { type: 'select', id: s.cells[0]!.id }, { type: 'set-mode', mode: 'edit' }, { type: 'set-editing', id: s.cells[0]!.id, editing: true });
    assert.equal(s2.revision, s.revision);
    assert.equal(s2.mode, 'edit');
  });

  test('deleting the last cell leaves one empty code cell to type into', () => {
    let s = start();
    s = run(s, { type: 'delete', ids: [s.cells[0]!.id] });
    assert.equal(s.cells.length, 1);
    assert.equal(s.cells[0]!.cellType, 'code');
    assert.equal(s.activeId, s.cells[0]!.id);
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

/** Three code cells a, b, c; b has run and has an output. */
function threeCells(): TEditorState {
  let s = start();
  const [a] = s.cells;
  const b = newEditorCell('code', 'print("b")');
  const c = newEditorCell('code', 'c = 3');
  s = run(s, { type: 'edit-source', id: a!.id, source: 'a = 1' }, { type: 'insert', index: 1, cell: b }, { type: 'insert', index: 2, cell: c });
  s = run(s, { type: 'run-start', id: b.id }, msg(b.id, 'stream', { name: 'stdout', text: 'b\n' }), { type: 'run-end', id: b.id, executionCount: 7 });
  return run(s, { type: 'select', id: a!.id });
}
const sources = (s: TEditorState) => s.cells.map((c) => c.source);

describe('cell undo and redo (Z / Shift+Z)', () => {
  test('a deleted cell comes back where it was, with its outputs and execution count', () => {
    let s = threeCells();
    const b = s.cells[1]!;
    s = run(s, { type: 'delete', ids: [b.id] });
    assert.deepEqual(sources(s), ['a = 1', 'c = 3']);
    s = run(s, { type: 'undo' });
    assert.deepEqual(sources(s), ['a = 1', 'print("b")', 'c = 3']);
    assert.equal(s.cells[1]!.id, b.id);
    assert.equal(s.cells[1]!.executionCount, 7);
    assert.deepEqual(s.cells[1]!.outputs, [{ output_type: 'stream', name: 'stdout', text: 'b\n' }]);
    s = run(s, { type: 'redo' });
    assert.deepEqual(sources(s), ['a = 1', 'c = 3']);
  });

  test('undo restores structure but keeps text typed since in other cells', () => {
    let s = threeCells();
    const [a, b] = s.cells;
    s = run(s, { type: 'delete', ids: [b!.id] }, { type: 'edit-source', id: a!.id, source: 'a = 100' }, { type: 'undo' });
    assert.deepEqual(sources(s), ['a = 100', 'print("b")', 'c = 3']);
  });

  test('inserts, moves, type changes, merges and splits undo in reverse order, and a new change clears redo', () => {
    let s = threeCells();
    const before = sources(s);
    const depth = s.history.undo.length;
    const ids = s.cells.map((c) => c.id);
    s = run(
      s,
      { type: 'insert', index: 0, cell: newEditorCell('markdown', '# T') },
      { type: 'move', ids: [ids[2]!], delta: -1 },
      { type: 'set-type', ids: [ids[0]!], cellType: 'markdown' },
      { type: 'merge', ids: [ids[1]!, ids[2]!] },
    );
    assert.equal(s.cells.length, 3);
    for (let i = 0; i < 4; i++) s = run(s, { type: 'undo' });
    assert.deepEqual(sources(s), before);
    assert.deepEqual(s.cells.map((c) => c.cellType), ['code', 'code', 'code']);
    assert.equal(s.cells[1]!.outputs.length, 1, 'the merged-away output is back');
    assert.equal(s.history.undo.length, depth);
    assert.equal(s.history.redo.length, 4);
    s = run(s, { type: 'redo' }, { type: 'delete', ids: [ids[0]!] });
    assert.equal(s.history.redo.length, 0);
  });
});

describe('structure commands', () => {
  test('Shift+M merges the selected cells into the first, joined by a blank line, outputs dropped', () => {
    let s = threeCells();
    const ids = s.cells.map((c) => c.id);
    s = run(s, { type: 'merge', ids: [ids[0]!, ids[1]!] });
    assert.deepEqual(sources(s), ['a = 1\n\nprint("b")', 'c = 3']);
    assert.equal(s.cells[0]!.id, ids[0]);
    assert.deepEqual(s.cells[0]!.outputs, []);
  });

  test('merging one selected cell merges it with the cell below, as in JupyterLab', () => {
    let s = threeCells();
    s = run(s, { type: 'merge', ids: [s.cells[1]!.id] });
    assert.deepEqual(sources(s), ['a = 1', 'print("b")\n\nc = 3']);
  });

  test('split at the cursor makes two cells; around a selection, three; the last part keeps the outputs and is active', () => {
    let s = threeCells();
    const b = s.cells[1]!;
    s = run(s, { type: 'edit-source', id: b.id, source: 'x = 1\ny = 2' }, { type: 'split', id: b.id, from: 6, to: 6 });
    assert.deepEqual(sources(s), ['a = 1', 'x = 1', 'y = 2', 'c = 3']);
    assert.equal(s.cells[1]!.id, b.id);
    assert.equal(s.cells[2]!.outputs.length, 1);
    assert.equal(s.activeId, s.cells[2]!.id);
    s = run(s, { type: 'split', id: s.cells[3]!.id, from: 1, to: 3 });
    assert.deepEqual(sources(s).slice(3), ['c', ' =', ' 3']);
    assert.ok(new Set(s.cells.map((c) => c.id)).size === s.cells.length, 'every part has its own id');
    assert.ok(validateNotebook(toNotebook(s)).ok);
  });

  test('a split at the very start or end changes nothing', () => {
    const s = threeCells();
    assert.equal(run(s, { type: 'split', id: s.cells[0]!.id, from: 0, to: 0 }), s);
  });

  test('the selection extends from the anchor; moving a selected run moves it together', () => {
    let s = threeCells();
    const ids = s.cells.map((c) => c.id);
    s = run(s, { type: 'select', id: ids[1]!, extend: true }, { type: 'select', id: ids[0]!, extend: true }, { type: 'select', id: ids[1]!, extend: true });
    assert.deepEqual(selectedIds(s), [ids[0], ids[1]]);
    s = run(s, { type: 'move', ids: selectedIds(s), delta: 1 });
    assert.deepEqual(s.cells.map((c) => c.id), [ids[2], ids[0], ids[1]]);
    assert.deepEqual(selectedIds(s), [ids[0], ids[1]], 'still selected after the move');
    assert.equal(run(s, { type: 'move', ids: selectedIds(s), delta: 1 }), s, 'nothing below: no move');
    s = run(s, { type: 'select-all' });
    assert.deepEqual(selectedIds(s), s.cells.map((c) => c.id));
    s = run(s, { type: 'select', id: ids[2]! });
    assert.deepEqual(selectedIds(s), [ids[2]]);
  });

  test('drag and drop moves a cell before or after another', () => {
    let s = threeCells();
    const ids = s.cells.map((c) => c.id);
    s = run(s, { type: 'move-to', id: ids[0]!, index: 3 });
    assert.deepEqual(s.cells.map((c) => c.id), [ids[1], ids[2], ids[0]]);
    s = run(s, { type: 'move-to', id: ids[0]!, index: 0 });
    assert.deepEqual(s.cells.map((c) => c.id), ids);
  });

  test('paste inserts fresh copies; headings 1-6 turn cells into Markdown headings', () => {
    let s = threeCells();
    const copy = { ...s.cells[1]!, id: 'fresh001' };
    s = run(s, { type: 'paste', index: 3, cells: [copy] });
    assert.deepEqual(sources(s), ['a = 1', 'print("b")', 'c = 3', 'print("b")']);
    assert.equal(s.activeId, 'fresh001');
    s = run(s, { type: 'set-heading', ids: [s.cells[2]!.id], level: 2 });
    assert.equal(s.cells[2]!.cellType, 'markdown');
    assert.equal(s.cells[2]!.source, '## c = 3');
  });

  test('collapsing an input and a heading section are saved in nbformat metadata', () => {
    let s = threeCells();
    const id = s.cells[0]!.id;
    s = run(s, { type: 'toggle-input-hidden', ids: [id] }, { type: 'toggle-heading-collapsed', id });
    assert.deepEqual(toNotebook(s).cells[0]!.metadata, { jupyter: { source_hidden: true }, heading_collapsed: true });
    s = run(s, { type: 'toggle-input-hidden', ids: [id] }, { type: 'toggle-heading-collapsed', id });
    assert.deepEqual(toNotebook(s).cells[0]!.metadata, {});
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

describe('the kernel asks and goes away', () => {
  test('an input request waits in the cell; the answer stays as a terminal shows it, a password as dots and never its text', () => {
    let s = start();
    const id = s.cells[0]!.id;
    s = run(s, { type: 'run-start', id }, msg(id, 'stream', { name: 'stdout', text: 'Welcome\n' }), { type: 'input-request', id, request: { prompt: 'Name: ', password: false } });
    assert.deepEqual(s.cells[0]!.stdin, { prompt: 'Name: ', password: false });
    s = run(s, { type: 'input-answered', id, value: 'Ada' }, { type: 'input-request', id, request: { prompt: 'Password: ', password: true } });
    s = run(s, { type: 'input-answered', id, value: 's3cret' }, { type: 'run-end', id, executionCount: 1 });
    const saved = JSON.stringify(toNotebook(s));
    assert.equal(s.cells[0]!.stdin, undefined);
    assert.deepEqual(s.cells[0]!.outputs, [{ output_type: 'stream', name: 'stdout', text: 'Welcome\nName: Ada\nPassword: ········\n' }]);
    assert.ok(!saved.includes('s3cret'), 'the password is never saved');
    assert.ok(!saved.includes('stdin'), 'the pending question is not saved');
  });

  test('a run that ends (or is cancelled) drops its unanswered question', () => {
    let s = start();
    const id = s.cells[0]!.id;
    s = run(s, { type: 'run-start', id }, { type: 'input-request', id, request: { prompt: '(Pdb) ', password: false } }, { type: 'run-end', id });
    assert.equal(s.cells[0]!.stdin, undefined);
    s = run(s, { type: 'run-start', id }, { type: 'input-request', id, request: { prompt: '? ', password: false } }, { type: 'cancel-queued' });
    assert.equal(s.cells[0]!.stdin, undefined);
  });

  test('a lost run shows its notice until the cell runs again; a late explanation never lands on a later run', () => {
    let s = start();
    const id = s.cells[0]!.id;
    const first = { kind: 'lost' as const, text: 'The kernel went away…', kernelId: 'k1' };
    s = run(s, { type: 'run-start', id }, { type: 'run-lost', id, notice: first });
    assert.equal(s.cells[0]!.run, 'idle');
    s = run(s, { type: 'run-lost', id, notice: { ...first, text: 'Kernel died: out of memory (limit 1 GiB).', offerLarger: true } });
    assert.equal(s.cells[0]!.notice?.text, 'Kernel died: out of memory (limit 1 GiB).');
    s = run(s, { type: 'run-start', id });
    assert.equal(s.cells[0]!.notice, undefined, 'running again clears it');
    s = run(s, { type: 'run-end', id, executionCount: 2 }, { type: 'run-lost', id, notice: { ...first, text: 'late' } });
    assert.equal(s.cells[0]!.notice, undefined, 'an explanation for an earlier run does not land on this one');
    assert.ok(!JSON.stringify(toNotebook(run(s, { type: 'run-start', id }, { type: 'run-lost', id, notice: first }))).includes('went away'), 'notices are never saved');
  });

  test('clearing all outputs is undone by cell undo', () => {
    let s = start();
    const id = s.cells[0]!.id;
    s = run(s, { type: 'run-start', id }, msg(id, 'stream', { name: 'stdout', text: 'kept\n' }), { type: 'run-end', id, executionCount: 3 });
    s = run(s, { type: 'clear-outputs' });
    assert.deepEqual(s.cells[0]!.outputs, []);
    s = run(s, { type: 'undo' });
    assert.deepEqual([s.cells[0]!.outputs.length, s.cells[0]!.executionCount], [1, 3]);
  });

  test('changing a code cell to Markdown drops its outputs, and undo brings them back', () => {
    let s = start();
    const id = s.cells[0]!.id;
    s = run(s, { type: 'run-start', id }, msg(id, 'stream', { name: 'stdout', text: 'x\n' }), { type: 'run-end', id, executionCount: 1 }, { type: 'set-type', ids: [id], cellType: 'markdown' });
    assert.equal(s.cells[0]!.outputs.length, 0);
    s = run(s, { type: 'undo' });
    assert.deepEqual([s.cells[0]!.cellType, s.cells[0]!.outputs.length], ['code', 1]);
  });
});
