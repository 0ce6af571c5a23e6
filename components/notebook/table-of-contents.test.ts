import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { validateNotebook } from '@/common/nbformat/validate-notebook';
import { headingsOf, hiddenByCollapsedHeadings, sectionCellOf, topHeadingLevel, withHeadingLevel, type TOutlineCell } from './table-of-contents';

const NOTEBOOKS = path.resolve(import.meta.dirname, '../../../shared/fixtures/notebooks');

/** A fixture as the notebook page holds it: validated, every cell with an id. */
function fixture(name: string): TOutlineCell[] {
  const result = validateNotebook(JSON.parse(readFileSync(path.join(NOTEBOOKS, name), 'utf8')));
  assert.ok(result.ok, name);
  return result.notebook.cells.map((c) => ({ id: c.id, cellType: c.cell_type, source: c.source as string }));
}

const md = (id: string, source: string): TOutlineCell => ({ id, cellType: 'markdown', source });
const code = (id: string, source = 'x = 1'): TOutlineCell => ({ id, cellType: 'code', source });
/** Headings as [level, text] pairs of one Markdown source. */
const headings = (source: string) => headingsOf([md('c', source)]).map((h) => [h.level, h.text]);

describe('headingsOf: real notebooks (fixtures)', () => {
  test('nbformat test4.5: the four headings of its Markdown cells, with their cells', () => {
    assert.deepEqual(headingsOf(fixture('nbformat-test4.5.ipynb')), [
      { cellId: '2fcdfa53', level: 1, text: 'nbconvert latex test' },
      { cellId: 'bb687f78', level: 2, text: 'Printed Using Python' },
      { cellId: 'a1f70963', level: 2, text: 'Pyout' },
      { cellId: '34334c4f', level: 3, text: 'Image' },
    ]);
  });

  test('nbconvert notebook2: a long heading is whole, and the fenced Python in a Markdown cell is not a heading', () => {
    const cells = fixture('nbconvert-notebook2.ipynb');
    const found = headingsOf(cells);
    assert.deepEqual(
      found.map((h) => [h.level, h.text]),
      [
        [1, 'NumPy and Matplotlib examples'],
        [2, 'Here is a very long heading that pandoc will wrap and wrap and wrap and wrap and wrap and wrap and wrap and wrap and wrap and wrap and wrap and wrap'],
      ],
    );
    assert.equal(found[0]!.cellId, cells[0]!.id);
    assert.equal(found[1]!.cellId, cells[11]!.id);
  });

  test('nbconvert notebook1 has one heading; the attachment notebook has none', () => {
    assert.deepEqual(headingsOf(fixture('nbconvert-notebook1.ipynb')).map((h) => h.text), ['A simple SymPy example']);
    assert.deepEqual(headingsOf(fixture('nbconvert-attachment.ipynb')), []);
  });
});

describe('headingsOf: Markdown', () => {
  test('ATX: up to three leading spaces, closing #s removed, a space required after the #s', () => {
    assert.deepEqual(headings('# One\n   ## Two ##\n### Three #not closing\n#### Four\t#\n##### Five\n###### Six'), [
      [1, 'One'],
      [2, 'Two'],
      [3, 'Three #not closing'],
      [4, 'Four'],
      [5, 'Five'],
      [6, 'Six'],
    ]);
    // Four spaces is an indented code block; no space after # is a hashtag; 7 #s is text.
    assert.deepEqual(headings('    # code\n\n#hashtag\n\n####### seven'), []);
  });

  test('setext: === is level 1, --- level 2, and a multi-line title is one line of text', () => {
    assert.deepEqual(headings('Title\n=====\n\nSub title\n---\n\nTwo\nlines\n==='), [
      [1, 'Title'],
      [2, 'Sub title'],
      [1, 'Two lines'],
    ]);
    // A --- after a blank line is a rule, not a heading.
    assert.deepEqual(headings('Text\n\n---'), []);
  });

  test('never inside fenced code blocks (``` or ~~~), even unclosed ones', () => {
    assert.deepEqual(headings('```python\n# a comment\n```\n~~~\n# also code\n~~~\n# Real'), [[1, 'Real']]);
    assert.deepEqual(headings('````\n```\n# still code\n````\n## After'), [[2, 'After']]);
    assert.deepEqual(headings('# Before\n```\n# unclosed fence runs to the end'), [[1, 'Before']]);
  });

  test('inline Markdown is stripped to the text a reader sees', () => {
    assert.deepEqual(headings('# *Hello* **big** `code<x>` [link **b**](http://x) ![alt](i.png) ~~old~~ a\\_b &amp; &copy; <span>tag</span>'), [
      [1, 'Hello big code<x> link b alt old a_b & © tag'],
    ]);
    // A code span shows an entity as written.
    assert.deepEqual(headings('## `&amp;`'), [[2, '&amp;']]);
  });

  test('HTML <h1>–<h6>, with tags stripped and entities decoded; not in comments or <pre>', () => {
    assert.deepEqual(headings('<h2 class="x">Results &amp; <i>plots</i></h2>\n<H4>Upper</H4>\n\n<!-- <h1>hidden</h1> -->\n\n<pre>\n<h1>shown as text</h1>\n</pre>'), [
      [2, 'Results & plots'],
      [4, 'Upper'],
    ]);
  });

  test('a cell may hold several headings; headings without text and quoted or listed headings are left out', () => {
    assert.deepEqual(headings('# Part\ntext\n## Chapter\n\n#\n\n> # Quoted\n\n- # In a list'), [
      [1, 'Part'],
      [2, 'Chapter'],
    ]);
  });

  test('only Markdown cells count: a Python comment or a raw cell is no heading', () => {
    const cells = [code('a', '# Load data\nimport os'), { id: 'b', cellType: 'raw' as const, source: '# Raw' }, md('c', '# Markdown')];
    assert.deepEqual(headingsOf(cells), [{ cellId: 'c', level: 1, text: 'Markdown' }]);
  });

  test('an edited cell is read anew (the parse cache is keyed by the source)', () => {
    assert.deepEqual(headings('# Draft'), [[1, 'Draft']]);
    assert.deepEqual(headings('## Draft'), [[2, 'Draft']]);
    assert.deepEqual(headings('# Draft'), [[1, 'Draft']]);
  });
});

describe('topHeadingLevel', () => {
  test('the most important heading of a cell, or null', () => {
    assert.equal(topHeadingLevel('### Only'), 3);
    assert.equal(topHeadingLevel('intro\n\n## A\n### B'), 2);
    // As JupyterLab's headingInfo: the top heading wherever it stands, not the first.
    assert.equal(topHeadingLevel('## Intro\n# Part 1'), 1);
    assert.equal(topHeadingLevel('plain text'), null);
    assert.equal(topHeadingLevel('```\n# code\n```'), null);
    assert.equal(topHeadingLevel(''), null);
  });
});

describe('hiddenByCollapsedHeadings', () => {
  const nb = fixture('nbformat-test4.5.ipynb');
  // 2fcdfa53 '#', 0bc81532 text, bb687f78 '##', 38f37a24 code, a1f70963 '##', 8206b3b9 code, 88d8965b code, 34334c4f '###', 8b414a68 code
  const hidden = (...collapsed: string[]) => [...hiddenByCollapsedHeadings(nb, new Set(collapsed))];

  test('nothing is hidden when nothing is collapsed', () => {
    assert.deepEqual(hidden(), []);
  });

  test('a collapsed heading hides its section up to the next heading of the same or a higher level', () => {
    assert.deepEqual(hidden('bb687f78'), ['38f37a24']);
    assert.deepEqual(hidden('a1f70963'), ['8206b3b9', '88d8965b', '34334c4f', '8b414a68']);
    assert.deepEqual(hidden('34334c4f'), ['8b414a68']);
    // The level-1 title hides everything after it, the heading cell itself staying visible.
    assert.deepEqual(hidden('2fcdfa53'), nb.slice(1).map((c) => c.id));
  });

  test('a collapsed heading inside a hidden section stays hidden, and stays collapsed when its parent opens', () => {
    assert.deepEqual(hidden('2fcdfa53', '34334c4f'), nb.slice(1).map((c) => c.id));
    assert.deepEqual(hidden('a1f70963', '34334c4f'), ['8206b3b9', '88d8965b', '34334c4f', '8b414a68']);
  });

  test('a collapsed id without a heading, or unknown, hides nothing', () => {
    assert.deepEqual(hidden('0bc81532', '38f37a24', 'no-such-cell'), []);
  });

  test('a section runs to the next heading at or above its level, across cells without headings', () => {
    const cells = [md('h2', '## Section'), code('x'), md('p', 'prose'), md('h3', '### Sub'), code('y'), md('h2b', 'Next\n---'), code('z')];
    assert.deepEqual([...hiddenByCollapsedHeadings(cells, new Set(['h2']))], ['x', 'p', 'h3', 'y']);
    // The cell's top level counts: `### a` + `# b` is a level-1 section.
    const mixed = [md('m', '### a\n# b'), md('h2', '## Two'), code('x'), md('h1', '# One'), code('y')];
    assert.deepEqual([...hiddenByCollapsedHeadings(mixed, new Set(['m']))], ['h2', 'x']);
  });
});

describe('sectionCellOf', () => {
  const cells = [code('pre'), md('h1', '# One'), code('a'), md('p', 'prose'), md('h2', '## Two'), code('b')];
  test('the heading cell itself, or the nearest one above, or null before any heading', () => {
    assert.equal(sectionCellOf(cells, 'h1'), 'h1');
    assert.equal(sectionCellOf(cells, 'a'), 'h1');
    assert.equal(sectionCellOf(cells, 'p'), 'h1');
    assert.equal(sectionCellOf(cells, 'b'), 'h2');
    assert.equal(sectionCellOf(cells, 'pre'), null);
    assert.equal(sectionCellOf(cells, 'missing'), null);
  });
});

describe('withHeadingLevel (the 1–6 keys)', () => {
  test('prefixes a plain first line, replacing its leading whitespace', () => {
    assert.equal(withHeadingLevel('Results', 2), '## Results');
    assert.equal(withHeadingLevel('  Results\nmore text', 1), '# Results\nmore text');
    assert.equal(withHeadingLevel('', 3), '### ');
  });

  test('replaces the #s of an existing heading, keeping the rest of the cell', () => {
    assert.equal(withHeadingLevel('### Results\n\ntext', 1), '# Results\n\ntext');
    assert.equal(withHeadingLevel('#Results', 2), '## #Results');
    assert.equal(withHeadingLevel('  ## Results ##', 4), '#### Results ##');
    assert.equal(withHeadingLevel('#', 2), '## ');
    assert.equal(topHeadingLevel(withHeadingLevel('### Results', 5)), 5);
  });

  test('a setext heading becomes an ATX one of the new level; leading blank lines go', () => {
    assert.equal(withHeadingLevel('Results\n=======\ntext', 3), '### Results\ntext');
    assert.equal(withHeadingLevel('\n\n  \nResults', 2), '## Results');
    assert.deepEqual(headings(withHeadingLevel('Results\n---', 4)), [[4, 'Results']]);
  });

  test('a level outside 1–6 is refused', () => {
    for (const level of [0, 7, 1.5, Number.NaN]) assert.throws(() => withHeadingLevel('x', level), /heading level is 1 to 6/);
  });
});
