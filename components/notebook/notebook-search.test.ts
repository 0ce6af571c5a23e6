import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { joinMultiline } from '@/common/nbformat/multiline';
import { findMatches, replaceInSource, replacementFor, type TSearchMatch, type TSearchOptions } from './notebook-search';

const opts = (query: string, o: Partial<TSearchOptions> = {}): TSearchOptions => ({ query, caseSensitive: false, wholeWord: false, regex: false, ...o });
const cells = (...sources: string[]) => sources.map((source, i) => ({ id: `c${i}`, source }));
/** The matched texts, which says more in a failure than offsets do. */
const texts = (source: string, matches: TSearchMatch[]) => matches.map((m) => source.slice(m.from, m.to));

function ok(result: TSearchMatch[] | { error: string }): TSearchMatch[] {
  assert.ok(Array.isArray(result), `expected matches, got ${JSON.stringify(result)}`);
  return result;
}

describe('findMatches', () => {
  test('an empty query finds nothing, even as a regex that would match everywhere', () => {
    assert.deepEqual(findMatches(cells('abc'), opts('')), []);
    assert.deepEqual(findMatches(cells('abc'), opts('', { regex: true })), []);
  });

  test('matches come in cell order, then position order, with the cell ids', () => {
    const result = ok(findMatches(cells('a = 1\nb = a', 'print(a)', 'nothing here', 'A'), opts('a')));
    assert.deepEqual(result, [
      { cellId: 'c0', from: 0, to: 1 },
      { cellId: 'c0', from: 10, to: 11 },
      { cellId: 'c1', from: 6, to: 7 },
      { cellId: 'c3', from: 0, to: 1 },
    ]);
  });

  test('plain text is literal: regex characters match themselves', () => {
    const src = 'x.shape axshape (a+b)*[c] $HOME ^up\\down';
    for (const q of ['x.shape', '(a+b)*[c]', '$HOME', '^up\\down']) {
      assert.deepEqual(texts(src, ok(findMatches(cells(src), opts(q)))), [q], q);
    }
    // And an unbalanced bracket is not an error when regex is off.
    assert.deepEqual(texts('f(x', ok(findMatches(cells('f(x'), opts('(')))), ['(']);
  });

  test('case: ignored unless asked for, including letters outside ASCII', () => {
    const src = 'Data data DATA Äpfel äpfel';
    assert.deepEqual(texts(src, ok(findMatches(cells(src), opts('data')))), ['Data', 'data', 'DATA']);
    assert.deepEqual(texts(src, ok(findMatches(cells(src), opts('data', { caseSensitive: true })))), ['data']);
    assert.deepEqual(texts(src, ok(findMatches(cells(src), opts('äPFEL')))), ['Äpfel', 'äpfel']);
    assert.deepEqual(texts(src, ok(findMatches(cells(src), opts('D.T.', { regex: true, caseSensitive: true })))), ['DATA']);
  });

  test('whole word: a match may not begin or end inside a word', () => {
    const src = 'x xy yx x_1 (x) x2 x';
    assert.deepEqual(ok(findMatches(cells(src), opts('x', { wholeWord: true }))).map((m) => m.from), [0, 13, 19]);
    // Queries that begin or end with punctuation still work (`\b` would refuse `(x`).
    assert.deepEqual(texts(src, ok(findMatches(cells(src), opts('(x', { wholeWord: true })))), ['(x']);
    assert.deepEqual(texts('a.shape b.shaped', ok(findMatches(cells('a.shape b.shaped'), opts('.shape', { wholeWord: true })))), ['.shape']);
    // Letters outside ASCII are word characters.
    assert.deepEqual(findMatches(cells('café'), opts('caf', { wholeWord: true })), []);
    assert.deepEqual(texts('über uber', ok(findMatches(cells('über uber'), opts('ber', { wholeWord: true })))), []);
  });

  test('whole word retries inside a rejected match, so an overlapping whole word is still found', () => {
    // The first candidate "aa" at 1 is inside "baaa"; the regex must not skip past the real word.
    const src = 'baaa aa';
    assert.deepEqual(ok(findMatches(cells(src), opts('aa', { wholeWord: true }))), [{ cellId: 'c0', from: 5, to: 7 }]);
    // With a regex too: "\\d+" first matches "12" inside "x12", then the standalone "34".
    assert.deepEqual(texts('x12 34', ok(findMatches(cells('x12 34'), opts('\\d+', { regex: true, wholeWord: true })))), ['34']);
  });

  test('offsets are UTF-16 units, as CodeMirror counts them, past astral characters', () => {
    const src = '😀 = "x"; 😀x';
    const result = ok(findMatches(cells(src), opts('x')));
    assert.deepEqual(result.map((m) => m.from), [6, 12]);
    assert.deepEqual(texts(src, result), ['x', 'x']);
    // An astral character is one character for `.` and whole word.
    assert.deepEqual(texts(src, ok(findMatches(cells(src), opts('^.', { regex: true })))), ['😀']);
  });

  test('regex: ^ and $ anchor lines, groups and lookbehind work', () => {
    const src = 'import os\nx = 1  # import later\nimport sys';
    assert.deepEqual(texts(src, ok(findMatches(cells(src), opts('^import \\w+$', { regex: true })))), ['import os', 'import sys']);
    assert.deepEqual(texts('a.b c.d', ok(findMatches(cells('a.b c.d'), opts('(?<=\\.)\\w', { regex: true })))), ['b', 'd']);
    assert.deepEqual(texts('αβ x', ok(findMatches(cells('αβ x'), opts('\\p{Script=Greek}+', { regex: true })))), ['αβ']);
  });

  test('zero-length matches are skipped and never loop', () => {
    const src = 'baaab\n\nb';
    for (const q of ['^', '$', '\\b', '(?=a)', 'x*', '']) {
      assert.deepEqual(findMatches(cells(src), opts(q, { regex: true })), [], q);
    }
    // `a*` matches empty almost everywhere; only the non-empty run counts.
    assert.deepEqual(ok(findMatches(cells(src), opts('a*', { regex: true }))), [{ cellId: 'c0', from: 1, to: 4 }]);
    // Stepping over an empty match must not land inside a surrogate pair: with the `u` flag
    // the regex would start again from the pair's first half and match the same empty string.
    assert.deepEqual(ok(findMatches(cells('😀😀'), opts('(?=😀😀)|😀$', { regex: true }))), [{ cellId: 'c0', from: 2, to: 4 }]);
  });

  test('an invalid regex gives a message a person can act on, not an exception', () => {
    for (const q of ['(', '[a-', 'a{2,1}', '*', '\\']) {
      const result = findMatches(cells('abc'), opts(q, { regex: true }));
      assert.ok(!Array.isArray(result), q);
      assert.match(result.error, /^Invalid regular expression: /, q);
      assert.match(result.error, /turn off "Use regular expression"/);
      // The internal flags are not shown to the user.
      assert.doesNotMatch(result.error, /\/[a-z]*mu/);
    }
    const unterminated = findMatches(cells('abc'), opts('(', { regex: true })) as { error: string };
    assert.match(unterminated.error, /Unterminated group/);
  });

  test('finds what a user searches for in a real notebook (nbconvert-notebook2 fixture)', () => {
    const file = path.resolve(import.meta.dirname, '../../../shared/fixtures/notebooks/nbconvert-notebook2.ipynb');
    const nb = JSON.parse(readFileSync(file, 'utf8')) as { cells: { cell_type: string; source: string | string[] }[] };
    const sources = nb.cells.map((c, i) => ({ id: String(i), source: joinMultiline(c.source) }));
    const imports = ok(findMatches(sources, opts('^import \\w+', { regex: true })));
    const importLines = imports.map((m) => sources[Number(m.cellId)]!.source.slice(m.from, m.to));
    assert.ok(importLines.includes('import numpy'), importLines.join(', '));
    assert.ok(importLines.includes('import math'), importLines.join(', '));
    // Every match points at text that matches, in increasing (cell, offset) order.
    const all = ok(findMatches(sources, opts('np')));
    assert.ok(all.length > 3);
    for (let i = 1; i < all.length; i++) {
      const [a, b] = [all[i - 1]!, all[i]!];
      assert.ok(Number(a.cellId) < Number(b.cellId) || (a.cellId === b.cellId && a.to <= b.from));
    }
    for (const m of all) assert.equal(sources[Number(m.cellId)]!.source.slice(m.from, m.to).toLowerCase(), 'np');
  });
});

describe('replacementFor', () => {
  const src = 'alice@example bob@test';
  const re = opts('(\\w+)@(\\w+)', { regex: true });
  const [first, second] = ok(findMatches(cells(src), re));

  test('without regex the replacement is literal, $ and all', () => {
    const m = ok(findMatches(cells('a.b'), opts('a.b')))[0]!;
    assert.equal(replacementFor('a.b', m, opts('a.b'), '$1 $& $$'), '$1 $& $$');
  });

  test('with regex, $1..$9, $& and $$ expand as String.replace does', () => {
    assert.equal(replacementFor(src, first!, re, '$2 at $1'), 'example at alice');
    assert.equal(replacementFor(src, second!, re, '<$&>'), '<bob@test>');
    assert.equal(replacementFor(src, second!, re, '$$1 costs $$'), '$1 costs $');
    // A group that does not exist stays literal, as in String.replace.
    assert.equal(replacementFor(src, first!, re, '$3'), '$3');
  });

  test('the regex sees the whole source: lookbehind and anchors hold at the match', () => {
    const s = 'x.real y.imag';
    const o = opts('(?<=\\.)(\\w+)', { regex: true });
    const ms = ok(findMatches(cells(s), o));
    assert.deepEqual(ms.map((m) => replacementFor(s, m, o, '[$1]')), ['[real]', '[imag]']);
  });

  test('a match the source no longer has is refused, not replaced at random', () => {
    assert.throws(() => replacementFor('alice@example', second!, re, 'x'), /no longer in its source: search again/);
  });
});

describe('replaceInSource', () => {
  test('agrees with String.replace over many patterns and replacements', () => {
    const source = 'def f(a, b):\n    return a + b  # sum of a and b\n\nf(1, 2)\nF(3, 4)\n';
    const patterns = ['a', 'b\\b', '(\\w)\\((\\d), (\\d)\\)', '^\\s+', '#.*$', '\\d', 'f\\b', '(?<name>[ab]) \\+'];
    const replacements = ['X', '$&$&', '$1[$3, $2]', '$$', '', '<$<name>>', "$`|$'"];
    for (const p of patterns) {
      for (const caseSensitive of [true, false]) {
        const o = opts(p, { regex: true, caseSensitive });
        const matches = ok(findMatches(cells(source), o));
        for (const r of replacements) {
          const expected = source.replace(new RegExp(p, `gmu${caseSensitive ? '' : 'i'}`), r);
          assert.equal(replaceInSource(source, matches, o, r), expected, `/${p}/ → ${r}`);
        }
      }
    }
  });

  test('literal replace all, with matches in any order', () => {
    const s = 'ab ab ab';
    const matches = ok(findMatches(cells(s), opts('ab'))).reverse();
    assert.equal(replaceInSource(s, matches, opts('ab'), '$&-'), '$&- $&- $&-');
  });

  test('replacing a subset (one match) leaves the others', () => {
    const s = 'n = n + 1';
    const matches = ok(findMatches(cells(s), opts('n', { wholeWord: true })));
    assert.equal(matches.length, 2);
    assert.equal(replaceInSource(s, [matches[1]!], opts('n', { wholeWord: true }), 'count'), 'n = count + 1');
  });

  test('replace all across three cells, each with the positions of its own original source', () => {
    const nb = cells('value = 1', 'print(value)', '# value\nvalue += value');
    const o = opts('value', { wholeWord: true });
    const matches = ok(findMatches(nb, o));
    const replaced = nb.map((c) => replaceInSource(c.source, matches.filter((m) => m.cellId === c.id), o, 'total'));
    assert.deepEqual(replaced, ['total = 1', 'print(total)', '# total\ntotal += total']);
    assert.deepEqual(findMatches(replaced.map((source, i) => ({ id: `c${i}`, source })), o), []);
  });

  test('overlapping matches are refused', () => {
    assert.throws(() => replaceInSource('aaa', [{ cellId: 'c', from: 0, to: 2 }, { cellId: 'c', from: 1, to: 3 }], opts('aa'), 'b'), /overlap/);
  });
});
