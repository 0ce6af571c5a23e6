import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CellStore } from './cell-store';
import { newEditorCell } from './notebook-model';

test('only the cells whose objects changed are announced, after flush; removed cells are forgotten', () => {
  const store = new CellStore();
  const a = newEditorCell('code', 'a');
  const b = newEditorCell('code', 'b');
  store.sync([a, b]);
  const heard: string[] = [];
  store.subscriber(a.id)(() => heard.push('a'));
  const stopB = store.subscriber(b.id)(() => heard.push('b'));
  store.flush();
  assert.deepEqual(heard, ['a', 'b']);
  heard.length = 0;

  const a2 = { ...a, source: 'a2' };
  store.sync([a2, b]);
  assert.deepEqual(heard, [], 'nothing is announced before flush');
  assert.equal(store.get(a.id), a2);
  store.flush();
  assert.deepEqual(heard, ['a']);

  stopB();
  store.sync([a2]);
  assert.equal(store.get(b.id), undefined);
  assert.equal(store.subscriber(a.id), store.subscriber(a.id), 'one subscribe function per cell');
});
