import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { KernelActivity, completionType, toCodePoints, toCompletion, toInspection, toUtf16 } from './kernel-help';

/** complete_reply / inspect_reply contents from ipykernel 6.31, recorded by fixtures/record-help-replies.py. */
const RECORDED = JSON.parse(readFileSync(path.join(import.meta.dirname, 'fixtures/ipykernel-help-replies.json'), 'utf8')) as Record<
  string,
  { code: string; cursor_pos: number; reply: unknown }
>;

describe('code points ⇄ UTF-16', () => {
  const text = 'a😀b€c𝔸'; // 😀 and 𝔸 are two UTF-16 units each, € one.
  test('an emoji counts once for Jupyter, twice for JavaScript', () => {
    assert.equal(toCodePoints(text, 0), 0);
    assert.equal(toCodePoints(text, 1), 1);
    assert.equal(toCodePoints(text, 3), 2);
    assert.equal(toCodePoints(text, 4), 3);
    assert.equal(toCodePoints(text, text.length), [...text].length);
    assert.equal(toUtf16(text, 2), 3);
    assert.equal(toUtf16(text, 4), 5);
    assert.equal(toUtf16(text, [...text].length), text.length);
  });

  test('round trip at every code point boundary; past the end clamps', () => {
    let utf16 = 0;
    for (const [points, ch] of [...text, ''].entries()) {
      assert.equal(toUtf16(text, points), utf16);
      assert.equal(toCodePoints(text, utf16), points);
      utf16 += ch.length;
    }
    assert.equal(toUtf16(text, 99), text.length);
    assert.equal(toCodePoints(text, 99), [...text].length);
  });
});

describe('kinds', () => {
  test("the kernel's kind rides along with CodeMirror's icon", () => {
    assert.equal(completionType('module'), 'namespace module');
    assert.equal(completionType('instance'), 'variable instance');
    assert.equal(completionType('function'), 'function');
    assert.equal(completionType('keyword'), 'keyword');
    assert.equal(completionType('path'), 'text path');
    assert.equal(completionType('magic'), 'keyword magic');
    assert.equal(completionType('somethingnew'), 'somethingnew');
    assert.equal(completionType(null), undefined);
  });
});

describe('complete_reply → TCompletion (recorded from ipykernel)', () => {
  test('import o: modules, os among them, replacing the o', () => {
    const { code, cursor_pos, reply } = RECORDED.complete_import;
    const c = toCompletion(code, cursor_pos, reply);
    assert.ok(c);
    assert.deepEqual([c.from, c.to], [7, 8]);
    assert.deepEqual(
      c.items.find((i) => i.label === 'os'),
      { label: 'os', kind: 'module' },
    );
    assert.ok(c.items.every((i) => i.kind === 'module'));
  });

  test('an emoji before the cursor: from/to are UTF-16 offsets', () => {
    const { code, reply } = RECORDED.complete_after_emoji;
    const cursor = code.length;
    assert.equal(cursor, 11, 'the emoji is two UTF-16 units');
    assert.equal((reply as { cursor_start: number }).cursor_start, 9, 'the kernel counts it as one');
    const c = toCompletion(code, cursor, reply);
    assert.ok(c);
    assert.deepEqual([c.from, c.to], [10, 11]);
    assert.equal(code.slice(c.from, c.to), 'o');
  });

  test('signatures come along', () => {
    const { code, cursor_pos, reply } = RECORDED.complete_function;
    const c = toCompletion(code, cursor_pos, reply);
    assert.ok(c);
    assert.equal(code.slice(c.from, c.to), 'getcw');
    assert.deepEqual(c.items[0], { label: 'getcwd', kind: 'function', signature: '() -> str' });
  });

  test("IPython's <unknown> kind (jedi gave up, as for builtins on a cold kernel) is null, and empty signatures are left out", () => {
    const reply = {
      status: 'ok',
      matches: ['oct'],
      cursor_start: 0,
      cursor_end: 1,
      metadata: { _jupyter_types_experimental: [{ start: 0, end: 1, text: 'oct', type: '<unknown>', signature: '' }] },
    };
    assert.deepEqual(toCompletion('o', 1, reply)?.items, [{ label: 'oct', kind: null }]);
  });

  test('without _jupyter_types_experimental the bare matches are the items', () => {
    const { code, cursor_pos, reply } = RECORDED.complete_matches_only;
    const c = toCompletion(code, cursor_pos, reply);
    assert.ok(c);
    assert.deepEqual([c.from, c.to], [7, 8]);
    assert.deepEqual(c.items.find((i) => i.label === 'os'), { label: 'os', kind: null });
  });

  test('errors, empty lists and malformed replies give null', () => {
    assert.equal(toCompletion('x', 1, { status: 'error', ename: 'E', evalue: '', traceback: [] }), null);
    assert.equal(toCompletion('x', 1, { status: 'ok', matches: [], cursor_start: 0, cursor_end: 1, metadata: {} }), null);
    assert.equal(toCompletion('x', 1, { status: 'ok', matches: 'os' }), null);
    assert.equal(toCompletion('x', 1, null), null);
  });

  test('a reply without a range replaces nothing at the cursor', () => {
    assert.deepEqual(toCompletion('ab', 2, { status: 'ok', matches: ['abc'], metadata: {} }), { from: 2, to: 2, items: [{ label: 'abc', kind: null }] });
  });
});

describe('inspect_reply → TInspection (recorded from ipykernel)', () => {
  test("print: signature and docstring, IPython's ANSI colours kept for the tooltip to render", () => {
    const i = toInspection(RECORDED.inspect_print.reply);
    assert.ok(i);
    assert.match(i.text, /Signature:.*print\(\*args/);
    assert.match(i.text, /Prints the values to a stream/);
    assert.match(i.text, /\x1b\[31m/);
  });

  test('nothing found, an error or a non-text bundle give null', () => {
    assert.equal(toInspection(RECORDED.inspect_unknown.reply), null);
    assert.equal(toInspection({ status: 'error', ename: 'E', evalue: '', traceback: [] }), null);
    assert.equal(toInspection({ status: 'ok', found: true, data: { 'text/html': '<b>x</b>' }, metadata: {} }), null);
  });
});

describe('who may be asked (KernelActivity)', () => {
  type TKernelView = Parameters<KernelActivity['answersNow']>[0];
  const kernel = (status: string, connectionStatus = 'connected', isDisposed = false) => ({ status, connectionStatus, isDisposed }) as TKernelView;
  let n = 0;
  const request = (msg_type: string) => ({ header: { msg_id: `m${++n}`, msg_type }, parent_header: {}, content: {} });
  const status = (execution_state: string, parent: { header: { msg_id: string; msg_type: string } }) => ({
    header: { msg_id: `s${++n}`, msg_type: 'status' },
    parent_header: parent.header,
    content: { execution_state },
  });

  test('a connected kernel, idle or only answering another completion', () => {
    const a = new KernelActivity('idle');
    assert.equal(a.answersNow(kernel('idle')), true);
    const complete = request('complete_request');
    a.sent(complete);
    a.received(status('busy', complete));
    assert.equal(a.answersNow(kernel('busy')), true, 'busy with a completion: the next one is answered right after');
    for (const s of ['starting', 'restarting', 'dead', 'unknown']) assert.equal(a.answersNow(kernel(s)), false, s);
    assert.equal(a.answersNow(kernel('idle', 'connecting')), false);
    assert.equal(a.answersNow(kernel('idle', 'connected', true)), false);
  });

  test('not from sending a cell until the kernel is idle after it, whoever sent it', () => {
    const a = new KernelActivity('idle');
    const mine = request('execute_request');
    a.sent(mine);
    assert.equal(a.answersNow(kernel('idle')), false, 'sent, the kernel not yet on it');
    a.received(status('busy', mine));
    const interrupt = request('interrupt_request');
    a.received(status('busy', interrupt));
    a.received(status('idle', interrupt));
    assert.equal(a.answersNow(kernel('idle')), false, "a control request's idle does not end the cell");
    a.received(status('idle', mine));
    assert.equal(a.answersNow(kernel('idle')), true);
    const theirs = request('execute_request');
    a.received(status('busy', theirs));
    assert.equal(a.answersNow(kernel('busy')), false, "another client's cell");
    a.received(status('idle', theirs));
    assert.equal(a.answersNow(kernel('idle')), true);
  });

  test('busy before it was watched counts as running until an idle; a restart or reconnection forgets lost cells', () => {
    const a = new KernelActivity('busy');
    assert.equal(a.answersNow(kernel('busy')), false);
    a.received(status('idle', request('execute_request')));
    assert.equal(a.answersNow(kernel('idle')), true);
    a.sent(request('execute_request'));
    a.received(status('starting', request('kernel_info_request')));
    assert.equal(a.answersNow(kernel('idle')), true, 'the restarted kernel runs nothing');
    a.sent(request('execute_request'));
    a.reset('idle');
    assert.equal(a.answersNow(kernel('idle')), true);
    a.reset('busy');
    assert.equal(a.answersNow(kernel('busy')), false);
  });
});
