import { mount, type TMounted } from './dom-test-env';
import assert from 'node:assert/strict';
import { afterEach, describe, test } from 'node:test';
import { act, createElement } from 'react';
import { OutlinePanel } from './outline-panel';
import { headingsOf, sectionCellOf, type TOutlineCell } from './table-of-contents';

const mounted: TMounted[] = [];
afterEach(async () => {
  for (const m of mounted.splice(0)) await m.unmount();
});

const md = (id: string, source: string): TOutlineCell => ({ id, cellType: 'markdown', source });
const code = (id: string): TOutlineCell => ({ id, cellType: 'code', source: 'x = 1' });
const NOTEBOOK = [md('title', '# Analysis'), code('c1'), md('data', '## Data\n### Sources'), code('c2'), md('load', '### Loading'), code('c3'), md('results', '## Results &amp; plots')];

async function panel({ activeCellId = null, collapsed = [], cells = NOTEBOOK }: { activeCellId?: string | null; collapsed?: string[]; cells?: TOutlineCell[] } = {}) {
  const calls: string[] = [];
  const m = await mount(
    createElement(OutlinePanel, {
      headings: headingsOf(cells),
      activeCellId,
      collapsed: new Set(collapsed),
      onJump: (id) => calls.push(`jump:${id}`),
      onToggleCollapsed: (id) => calls.push(`toggle:${id}`),
      onClose: () => calls.push('close'),
    }),
  );
  mounted.push(m);
  const nav = m.container.querySelector('nav')!;
  const items = () =>
    [...nav.querySelectorAll('li')].map((li) => ({
      li,
      toggle: li.querySelector<HTMLButtonElement>('button[aria-expanded]'),
      entry: li.querySelector<HTMLButtonElement>('button:not([aria-expanded])')!,
    }));
  return { nav, calls, items, entryTexts: () => items().map((i) => i.entry.textContent) };
}

describe('OutlinePanel', () => {
  test('a labelled navigation landmark listing every heading, indented by level', async () => {
    const p = await panel();
    assert.equal(p.nav.getAttribute('aria-label'), 'Table of contents');
    assert.deepEqual(p.entryTexts(), ['Analysis', 'Data', 'Sources', 'Loading', 'Results & plots']);
    const indents = p.items().map((i) => parseFloat(i.li.style.paddingLeft));
    // Analysis (1) < Data (2) < Sources (3) = Loading (3); Results (2) = Data.
    assert.ok(indents[0]! < indents[1]! && indents[1]! < indents[2]!);
    assert.equal(indents[2], indents[3]);
    assert.equal(indents[4], indents[1]);
  });

  test('clicking an entry jumps to its cell; the close button closes', async () => {
    const p = await panel();
    await act(async () => p.items()[3]!.entry.click());
    await act(async () => p.nav.querySelector<HTMLButtonElement>('[aria-label="Close outline"]')!.click());
    assert.deepEqual(p.calls, ['jump:load', 'close']);
  });

  test('the section of the active cell is marked as the current location', async () => {
    // A code cell under "### Loading" marks that heading.
    const p = await panel({ activeCellId: sectionCellOf(NOTEBOOK, 'c3') });
    const current = p.items().filter((i) => i.entry.getAttribute('aria-current') === 'location');
    assert.deepEqual(current.map((i) => i.entry.textContent), ['Loading']);
    // A cell with two headings marks its first one only.
    const q = await panel({ activeCellId: 'data' });
    assert.deepEqual(q.items().filter((i) => i.entry.hasAttribute('aria-current')).map((i) => i.entry.textContent), ['Data']);
  });

  test("only a cell's first heading has a collapse toggle, named for its section and saying whether it is open", async () => {
    const p = await panel({ collapsed: ['load'] });
    const toggles = p.items().map((i) => i.toggle && [i.toggle.getAttribute('aria-label'), i.toggle.getAttribute('aria-expanded')]);
    assert.deepEqual(toggles, [
      ['Collapse section Analysis', 'true'],
      ['Collapse section Data', 'true'],
      null, // "### Sources" shares its cell with "## Data"
      ['Expand section Loading', 'false'],
      ['Collapse section Results & plots', 'true'],
    ]);
    await act(async () => p.items()[3]!.toggle!.click());
    await act(async () => p.items()[1]!.toggle!.click());
    assert.deepEqual(p.calls, ['toggle:load', 'toggle:data']);
  });

  test('headings inside a collapsed section leave the outline with their cells', async () => {
    const p = await panel({ collapsed: ['data'] });
    // "Sources" is in the collapsed cell itself, which stays; "Loading" is hidden.
    assert.deepEqual(p.entryTexts(), ['Analysis', 'Data', 'Sources', 'Results & plots']);
    const q = await panel({ collapsed: ['title', 'load'] });
    assert.deepEqual(q.entryTexts(), ['Analysis']);
  });

  test('without headings it says how to make some', async () => {
    const p = await panel({ cells: [code('a'), md('b', 'just prose')] });
    assert.equal(p.items().length, 0);
    assert.match(p.nav.textContent ?? '', /No headings: add Markdown headings \(# Title\) to build the outline\./);
  });
});
