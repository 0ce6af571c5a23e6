import './dom-test-env';
import assert from 'node:assert/strict';
import { afterEach, describe, test } from 'node:test';
import { EditorState } from '@codemirror/state';
import { EditorView } from '@codemirror/view';
import { findMatches, type TSearchMatch } from './notebook-search';
import { searchHighlight, setSearchMatches } from './search-highlight';

const views: EditorView[] = [];
afterEach(() => {
  for (const view of views.splice(0)) {
    view.destroy();
    view.dom.remove();
  }
});

function editor(doc: string): EditorView {
  const parent = document.createElement('div');
  document.body.append(parent);
  const view = new EditorView({ parent, state: EditorState.create({ doc, extensions: [searchHighlight()] }) });
  views.push(view);
  return view;
}

/** What the user sees highlighted: each marked span's text and whether it is the current match. */
function painted(view: EditorView): [string, boolean][] {
  return [...view.contentDOM.querySelectorAll('.lattice-search-match')].map((el) => [el.textContent ?? '', el.classList.contains('lattice-search-current')]);
}

const push = (view: EditorView, ranges: { from: number; to: number }[], current: number | null = null) =>
  view.dispatch({ effects: setSearchMatches.of({ ranges, current }) });

describe('searchHighlight', () => {
  test('paints every pushed range, the current one marked as such', () => {
    const view = editor('total = total + 1\nprint(total)');
    const matches = findMatches([{ id: 'c', source: view.state.doc.toString() }], { query: 'total', caseSensitive: true, wholeWord: true, regex: false }) as TSearchMatch[];
    push(view, matches, 1);
    assert.deepEqual(painted(view), [
      ['total', false],
      ['total', true],
      ['total', false],
    ]);
  });

  test('a new push replaces the highlights; an empty push clears them', () => {
    const view = editor('a b a');
    push(view, [{ from: 0, to: 1 }, { from: 4, to: 5 }], 0);
    push(view, [{ from: 2, to: 3 }], null);
    assert.deepEqual(painted(view), [['b', false]]);
    push(view, []);
    assert.deepEqual(painted(view), []);
  });

  test('ranges outside the document are clamped or dropped, never thrown on', () => {
    const view = editor('short');
    push(view, [{ from: 2, to: 99 }, { from: 50, to: 60 }, { from: -5, to: 1 }, { from: 3, to: 3 }]);
    assert.deepEqual(painted(view), [
      ['s', false],
      ['ort', false],
    ]);
  });

  test('ranges pushed in any order are painted (CodeMirror needs them sorted)', () => {
    const view = editor('x y z');
    push(view, [{ from: 4, to: 5 }, { from: 0, to: 1 }], 0);
    assert.deepEqual(painted(view), [
      ['x', false],
      ['z', true],
    ]);
  });

  test('edits map the highlights until the notebook pushes again', () => {
    const view = editor('foo bar foo');
    push(view, [{ from: 0, to: 3 }, { from: 8, to: 11 }], 1);
    view.dispatch({ changes: { from: 0, insert: '# ' } });
    assert.deepEqual(painted(view), [
      ['foo', false],
      ['foo', true],
    ]);
    // Deleting a match's text removes its highlight.
    view.dispatch({ changes: { from: 2, to: 5 } });
    assert.deepEqual(painted(view), [['foo', true]]);
  });

  test('the theme styles both classes, the current match differently', () => {
    editor('x');
    const css = [...document.querySelectorAll('style')].map((s) => s.textContent).join('\n');
    const rule = (selector: RegExp) => css.match(new RegExp(`${selector.source}\\s*\\{([^}]*)\\}`))?.[1] ?? '';
    const plain = rule(/ \.lattice-search-match/);
    const currentRule = rule(/\.lattice-search-match\.lattice-search-current/);
    assert.match(plain, /background-color/);
    assert.match(currentRule, /background-color/);
    assert.notEqual(plain, currentRule);
  });
});
