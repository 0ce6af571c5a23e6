import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { editorReducer, fromNotebook, toNotebook } from './notebook-model';
import { outputActionFor, outputsHidden, scrolledSetting, toggleScrollingFor } from './output-metadata';

const notebook = () =>
  fromNotebook({
    metadata: {},
    nbformat: 4,
    nbformat_minor: 5,
    cells: [
      { id: 'a', cell_type: 'code', metadata: { jupyter: { source_hidden: true } }, source: 'print(1)', outputs: [{ output_type: 'stream', name: 'stdout', text: '1\n' }], execution_count: 1 },
      { id: 'b', cell_type: 'markdown', metadata: {}, source: '# B' },
      { id: 'c', cell_type: 'code', metadata: { scrolled: true }, source: 'print(2)', outputs: [{ output_type: 'stream', name: 'stdout', text: '2\n' }], execution_count: 2 },
    ],
  });

describe('output metadata', () => {
  test('collapse and expand set and remove jupyter.outputs_hidden on code cells only, keeping the other jupyter flags', () => {
    let s = editorReducer(notebook(), outputActionFor(['a', 'b'], { kind: 'hide' }));
    assert.deepEqual(toNotebook(s).cells[0]!.metadata, { jupyter: { source_hidden: true, outputs_hidden: true } });
    assert.deepEqual(toNotebook(s).cells[1]!.metadata, {});
    assert.ok(outputsHidden(s.cells[0]!.metadata));
    s = editorReducer(s, outputActionFor(['a'], { kind: 'show' }));
    assert.deepEqual(s.cells[0]!.metadata, { jupyter: { source_hidden: true } });
  });

  test('scrolling is saved as true/false; toggling folds a cell not folded on purpose and unfolds a folded one', () => {
    let s = editorReducer(notebook(), toggleScrollingFor(['a', 'c']));
    assert.equal(s.cells[0]!.metadata.scrolled, true);
    assert.equal(s.cells[2]!.metadata.scrolled, false);
    s = editorReducer(s, outputActionFor(['a'], { kind: 'scroll', scrolled: false }));
    assert.equal(scrolledSetting(s.cells[0]!.metadata), false);
    assert.equal(scrolledSetting({}), 'auto');
  });

  test('clearing one cell leaves the others their outputs; an unchanged cell is no change to save', () => {
    const before = notebook();
    const s = editorReducer(before, outputActionFor(['c'], { kind: 'clear' }));
    assert.equal(s.cells[2]!.outputs.length, 0);
    assert.equal(s.cells[0]!.outputs.length, 1);
    assert.equal(editorReducer(before, outputActionFor(['b'], { kind: 'show' })), before);
  });
});
