import { mount, testWindow, type TMounted } from './dom-test-env';
import assert from 'node:assert/strict';
import { afterEach, describe, test } from 'node:test';
import { act, createElement } from 'react';
import { FindBar, type TFindBarProps } from './find-bar';
import type { TSearchOptions } from './notebook-search';

const mounted: TMounted[] = [];
afterEach(async () => {
  for (const m of mounted.splice(0)) await m.unmount();
});

function bar(overrides: Partial<TFindBarProps> = {}) {
  const calls: string[] = [];
  const options: TSearchOptions[] = [];
  const replacements: string[] = [];
  const props: TFindBarProps = {
    options: { query: 'total', caseSensitive: false, wholeWord: false, regex: false },
    onOptions: (o) => options.push(o),
    replacement: 'sum',
    onReplacement: (r) => replacements.push(r),
    count: 12,
    current: 2,
    error: null,
    onNext: () => calls.push('next'),
    onPrevious: () => calls.push('previous'),
    onReplace: () => calls.push('replace'),
    onReplaceAll: () => calls.push('replace all'),
    onClose: () => calls.push('close'),
    readOnly: false,
    focusSignal: 1,
    ...overrides,
  };
  return { props, calls, options, replacements };
}

async function render(props: TFindBarProps) {
  const m = await mount(createElement(FindBar, props));
  mounted.push(m);
  const q = <T extends Element>(selector: string) => m.container.querySelector<T & HTMLElement>(selector);
  const button = (text: string) => [...m.container.querySelectorAll('button')].find((b) => b.textContent === text);
  return { ...m, q, button, find: q<HTMLInputElement>('input[aria-label="Find"]')!, count: () => q('[data-testid="find-count"]')!.textContent };
}

async function key(target: Element, init: KeyboardEventInit): Promise<KeyboardEvent> {
  const event = new testWindow.KeyboardEvent('keydown', { bubbles: true, cancelable: true, ...init });
  await act(async () => {
    target.dispatchEvent(event);
  });
  return event;
}

async function type(input: HTMLInputElement, value: string) {
  // React tracks an input's value; setting it through the prototype's setter is how a
  // browser's own typing looks to it.
  Object.getOwnPropertyDescriptor(testWindow.HTMLInputElement.prototype, 'value')!.set!.call(input, value);
  await act(async () => {
    input.dispatchEvent(new testWindow.Event('input', { bubbles: true }));
  });
}

describe('FindBar', () => {
  test('a search landmark with labelled inputs and pressed-state toggles', async () => {
    const { props } = bar({ options: { query: 'x', caseSensitive: true, wholeWord: false, regex: true } });
    const r = await render(props);
    const search = r.q('[role="search"]')!;
    assert.equal(search.getAttribute('aria-label'), 'Find in notebook');
    assert.equal(r.find.value, 'x');
    assert.equal(r.q<HTMLInputElement>('input[aria-label="Replace"]')!.value, 'sum');
    assert.equal(r.q('[aria-label="Match case"]')!.getAttribute('aria-pressed'), 'true');
    assert.equal(r.q('[aria-label="Whole word"]')!.getAttribute('aria-pressed'), 'false');
    assert.equal(r.q('[aria-label="Use regular expression"]')!.getAttribute('aria-pressed'), 'true');
    assert.equal(r.q('[data-testid="find-count"]')!.getAttribute('aria-live'), 'polite');
  });

  test('typing and the toggles report new options, each keeping the others', async () => {
    const { props, options, replacements } = bar();
    const r = await render(props);
    await type(r.find, 'totals');
    await act(async () => r.q('[aria-label="Match case"]')!.click());
    await act(async () => r.q('[aria-label="Whole word"]')!.click());
    await act(async () => r.q('[aria-label="Use regular expression"]')!.click());
    const base = props.options;
    assert.deepEqual(options, [
      { ...base, query: 'totals' },
      { ...base, caseSensitive: true },
      { ...base, wholeWord: true },
      { ...base, regex: true },
    ]);
    await type(r.q<HTMLInputElement>('input[aria-label="Replace"]')!, 'grand');
    assert.deepEqual(replacements, ['grand']);
  });

  test('the count says where the user is, that nothing matched, or what is wrong with the regex', async () => {
    const { props } = bar();
    const r = await render(props);
    assert.equal(r.count(), '3 of 12');
    await r.rerender(createElement(FindBar, { ...props, current: null }));
    assert.equal(r.count(), '12 results');
    await r.rerender(createElement(FindBar, { ...props, count: 0, current: null }));
    assert.equal(r.count(), 'No results');
    assert.ok(r.q<HTMLButtonElement>('[aria-label="Next match"]')!.disabled);
    assert.ok(r.button('Replace all')!.disabled);
    await r.rerender(createElement(FindBar, { ...props, options: { ...props.options, query: '' }, count: 0, current: null }));
    assert.equal(r.count(), '');
    const error = 'Invalid regular expression: Unterminated group. Fix the pattern.';
    await r.rerender(createElement(FindBar, { ...props, count: 0, current: null, error }));
    assert.equal(r.count(), error);
    assert.equal(r.find.getAttribute('aria-invalid'), 'true');
    assert.equal(r.find.getAttribute('aria-describedby'), r.q('[data-testid="find-count"]')!.id);
  });

  test('buttons: previous, next, replace, replace all, close', async () => {
    const { props, calls } = bar();
    const r = await render(props);
    for (const el of [r.q('[aria-label="Previous match"]'), r.q('[aria-label="Next match"]'), r.button('Replace'), r.button('Replace all'), r.q('[aria-label="Close find bar"]')]) {
      await act(async () => el!.click());
    }
    assert.deepEqual(calls, ['previous', 'next', 'replace', 'replace all', 'close']);
  });

  test('keys: Enter next, Shift+Enter previous, Enter in Replace replaces, Escape closes', async () => {
    const { props, calls } = bar();
    const r = await render(props);
    const enter = await key(r.find, { key: 'Enter' });
    await key(r.find, { key: 'Enter', shiftKey: true });
    await key(r.q('input[aria-label="Replace"]')!, { key: 'Enter' });
    const escape = await key(r.find, { key: 'Escape' });
    assert.deepEqual(calls, ['next', 'previous', 'replace', 'close']);
    assert.ok(enter.defaultPrevented && escape.defaultPrevented);
  });

  test('Enter does nothing while nothing matches', async () => {
    const { props, calls } = bar({ count: 0, current: null });
    const r = await render(props);
    await key(r.find, { key: 'Enter' });
    assert.deepEqual(calls, []);
  });

  test("keys typed in the bar never reach the notebook's command-mode handler; Ctrl/Cmd+S still does", async () => {
    const { props } = bar();
    const r = await render(props);
    const reached: string[] = [];
    const onAncestor = (e: KeyboardEvent) => reached.push(`container:${e.key}`);
    const onDocument = (e: KeyboardEvent) => reached.push(`document:${e.key}`);
    r.container.addEventListener('keydown', onAncestor);
    testWindow.document.addEventListener('keydown', onDocument);
    try {
      for (const k of ['a', 'd', 'Escape', 'Enter', 'ArrowDown', '0']) await key(r.find, { key: k });
      await key(r.q('[aria-label="Match case"]')!, { key: 'b' });
      assert.deepEqual(reached, []);
      await key(r.find, { key: 's', ctrlKey: true });
      await key(r.find, { key: 's', metaKey: true });
      assert.deepEqual(reached, ['container:s', 'document:s', 'container:s', 'document:s']);
    } finally {
      r.container.removeEventListener('keydown', onAncestor);
      testWindow.document.removeEventListener('keydown', onDocument);
    }
  });

  test('opening focuses the query; a new focusSignal (or Ctrl+F in the bar) focuses and selects it again', async () => {
    const { props } = bar();
    const r = await render(props);
    const replace = r.q<HTMLInputElement>('input[aria-label="Replace"]')!;
    assert.equal(testWindow.document.activeElement, r.find);
    replace.focus();
    await r.rerender(createElement(FindBar, { ...props, focusSignal: 2 }));
    assert.equal(testWindow.document.activeElement, r.find);
    assert.deepEqual([r.find.selectionStart, r.find.selectionEnd], [0, 'total'.length]);
    replace.focus();
    const ctrlF = await key(replace, { key: 'f', ctrlKey: true });
    assert.equal(testWindow.document.activeElement, r.find);
    assert.ok(ctrlF.defaultPrevented, "the browser's own find stays closed");
  });

  test('viewers get no replace row', async () => {
    const { props } = bar({ readOnly: true });
    const r = await render(props);
    assert.equal(r.q('input[aria-label="Replace"]'), null);
    assert.equal(r.button('Replace'), undefined);
    assert.equal(r.button('Replace all'), undefined);
    assert.ok(r.q('[aria-label="Next match"]'));
  });
});
