import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AppError } from '@/common/errors';
import { containsPattern } from './keyset-page';
import { decodeCursor, encodeCursor } from './list-cursor';

const ID = '0b0e3c1e-8a55-4d4c-9d7a-2b6f1f0f9a11';

test('a cursor round-trips its key (microseconds included) and id for the same sort and order', () => {
  const key = '2026-12-05T21:00:00.123456Z';
  const cursor = encodeCursor({ sort: 'created', order: 'desc' }, { key, id: ID });
  assert.match(cursor, /^[A-Za-z0-9_-]+$/, 'safe in a URL as it is');
  assert.deepEqual(decodeCursor({ sort: 'created', order: 'desc', cursor }), { s: 'created', o: 'desc', k: key, id: ID });
  assert.equal(decodeCursor({ sort: 'name', order: 'asc', cursor: undefined }), null);
});

test('a cursor of another sort or order, or not one at all, is a 400 that says to start again', () => {
  const cursor = encodeCursor({ sort: 'name', order: 'asc' }, { key: 'ada', id: ID });
  for (const query of [
    { sort: 'created' as const, order: 'asc' as const, cursor },
    { sort: 'name' as const, order: 'desc' as const, cursor },
    { sort: 'name' as const, order: 'asc' as const, cursor: 'garbage' },
    { sort: 'name' as const, order: 'asc' as const, cursor: Buffer.from(JSON.stringify({ s: 'name', o: 'asc', k: 'x', id: 'not-a-uuid' })).toString('base64url') },
  ]) {
    assert.throws(() => decodeCursor(query), (err: unknown) => err instanceof AppError && err.status === 400 && /start again from the first page/.test(err.message));
  }
});

test('a search matches its text literally: LIKE wildcards and the escape character are escaped', () => {
  assert.equal(containsPattern('ada'), '%ada%');
  assert.equal(containsPattern('50%_off\\'), '%50\\%\\_off\\\\%');
});
