import { z } from 'zod';
import { AppError } from '@/common/errors';
import { ZListOrder, ZListSort, type TListQuery } from './list-query';

/**
 * Where the next page starts: the sort key and id of the last row shown, with the sort and
 * order it belongs to (a cursor from another sort would skip or repeat rows, so it is refused).
 * The key is text as Postgres printed it: a timestamp keeps its microseconds, which a JS Date
 * would drop (rows created in one statement share `created_at` to the microsecond only).
 */
const ZCursor = z.object({ s: ZListSort, o: ZListOrder, k: z.string().max(1000), id: z.string().uuid() });
export type TListCursor = z.infer<typeof ZCursor>;

/** The cursor after `row`, for the query's sort and order (base64url JSON, opaque to clients). */
export function encodeCursor(query: Pick<TListQuery, 'sort' | 'order'>, row: { key: string; id: string }): string {
  const cursor: TListCursor = { s: query.sort, o: query.order, k: row.key, id: row.id };
  return Buffer.from(JSON.stringify(cursor)).toString('base64url');
}

/**
 * The cursor's key and id, or null when there is none (the first page). Throws a message a
 * person can act on when it is not one this list gave out for the same sort and order.
 */
export function decodeCursor(query: Pick<TListQuery, 'sort' | 'order' | 'cursor'>): TListCursor | null {
  if (!query.cursor) return null;
  let raw: unknown;
  try {
    raw = JSON.parse(Buffer.from(query.cursor, 'base64url').toString('utf8'));
  } catch {
    raw = null;
  }
  const parsed = ZCursor.safeParse(raw);
  if (!parsed.success) throw new AppError('BAD_REQUEST', 'The cursor is not one this list gave out; start again from the first page.');
  if (parsed.data.s !== query.sort || parsed.data.o !== query.order) {
    throw new AppError('BAD_REQUEST', 'The cursor belongs to another sort order; start again from the first page.');
  }
  return parsed.data;
}
