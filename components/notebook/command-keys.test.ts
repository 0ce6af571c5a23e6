import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isEditableTarget, keyName, matchKey } from './command-keys';
import { COMMANDS, codeMirrorKey } from './notebook-commands';

const key = (k: string, code: string, mods: Partial<Record<'ctrlKey' | 'metaKey' | 'altKey' | 'shiftKey', boolean>> = {}) => ({
  key: k,
  code,
  ctrlKey: false,
  metaKey: false,
  altKey: false,
  shiftKey: false,
  ...mods,
});

describe('command-mode keys', () => {
  test('events are named by the physical key, Ctrl and Cmd both being Accel', () => {
    assert.equal(keyName(key('a', 'KeyA')), 'A');
    assert.equal(keyName(key('Z', 'KeyZ', { shiftKey: true })), 'Shift+Z');
    assert.equal(keyName(key('_', 'Minus', { ctrlKey: true, shiftKey: true })), 'Accel+Shift+-');
    assert.equal(keyName(key('C', 'KeyC', { metaKey: true, shiftKey: true })), 'Accel+Shift+C');
    assert.equal(keyName(key('!', 'Digit1', { shiftKey: true })), 'Shift+1');
    assert.equal(keyName(key('ArrowUp', 'ArrowUp', { shiftKey: true })), 'Shift+ArrowUp');
    assert.equal(keyName(key('Shift', 'ShiftLeft', { shiftKey: true })), null);
  });

  test('JupyterLab single keys map to their commands', () => {
    const expected: Record<string, string> = {
      A: 'insert-above', B: 'insert-below', X: 'cut', C: 'copy', V: 'paste-below', Z: 'undo', 'Shift+Z': 'redo',
      Y: 'to-code', M: 'to-markdown', R: 'to-raw', '1': 'heading-1', '6': 'heading-6', 'Shift+M': 'merge',
      J: 'select-down', K: 'select-up', ArrowDown: 'select-down', 'Shift+ArrowUp': 'extend-up', 'Shift+J': 'extend-down',
      Enter: 'edit', H: 'shortcuts', 'Shift+Enter': 'run-advance', 'Accel+Enter': 'run', 'Alt+Enter': 'run-insert',
      'Accel+Shift+ArrowUp': 'move-up', 'Accel+Shift+C': 'palette', 'Accel+F': 'find', 'Shift+L': 'toggle-line-numbers',
    };
    for (const [k, command] of Object.entries(expected)) assert.equal(matchKey(null, k).command, command, k);
  });

  test('D D, I I and 0 0 need both keys; a different second key starts over', () => {
    for (const [first, command] of [['D', 'delete'], ['I', 'interrupt'], ['0', 'restart']] as const) {
      const one = matchKey(null, first);
      assert.deepEqual(one, { command: null, pending: first, handled: true });
      assert.equal(matchKey(one.pending, first).command, command);
    }
    // D then A: the A still inserts above; D then D then D deletes once and waits again.
    assert.equal(matchKey('D', 'A').command, 'insert-above');
    assert.equal(matchKey('I', 'D').pending, 'D');
  });

  test('keys of no command are left to the browser', () => {
    assert.deepEqual(matchKey(null, 'Q'), { command: null, pending: null, handled: false });
    assert.deepEqual(matchKey(null, 'Tab'), { command: null, pending: null, handled: false });
  });

  test('no key is bound twice in one mode', () => {
    for (const mode of ['commandKeys', 'editKeys'] as const) {
      const all = COMMANDS.flatMap((c) => c[mode]);
      assert.deepEqual(all.filter((k, i) => all.indexOf(k) !== i), [], mode);
    }
  });

  test('edit-mode keys become CodeMirror key names', () => {
    assert.equal(codeMirrorKey('Accel+Shift+-'), 'Mod-Shift--');
    assert.equal(codeMirrorKey('Shift+Enter'), 'Shift-Enter');
    assert.equal(codeMirrorKey('Accel+M'), 'Mod-m');
    assert.equal(codeMirrorKey('Accel+Shift+C'), 'Mod-Shift-c');
  });

  test('focus in a text field, an editor or a dialog keeps command keys out', () => {
    const el = (closest: string | null, editable = false) => ({ isContentEditable: editable, closest: (sel: string) => (closest && sel.includes(closest) ? {} : null) });
    assert.equal(isEditableTarget(el('input') as unknown as EventTarget), true);
    assert.equal(isEditableTarget(el(null, true) as unknown as EventTarget), true);
    assert.equal(isEditableTarget(el('dialog') as unknown as EventTarget), true);
    assert.equal(isEditableTarget(el(null) as unknown as EventTarget), false);
    assert.equal(isEditableTarget(null), false);
  });
});
