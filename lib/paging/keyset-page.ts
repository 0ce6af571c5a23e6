import { asc, desc, sql, type AnyColumn, type SQL } from 'drizzle-orm';
import { decodeCursor, encodeCursor } from './list-cursor';
import type { TListPage, TListQuery } from './list-query';

/** The columns a list sorts by: its name (compared lower-cased), creation time, and id to break ties. */
export interface TKeysetColumns {
  name: AnyColumn;
  created: AnyColumn;
  id: AnyColumn;
}

/**
 * The SQL of one keyset page: `after` (rows past the cursor), `orderBy` and the `sortKey` to
 * select so the next cursor can be built. The sort expressions match the indexes of migration
 * 0007 (`lower(name), id` and `created_at, id`), so a page costs an index range scan whatever
 * its depth, and the id tie-break means rows with equal keys are neither repeated nor skipped.
 */
export function keysetPage(cols: TKeysetColumns, query: TListQuery): { after: SQL | undefined; orderBy: SQL[]; sortKey: SQL<string>; limit: number } {
  const cursor = decodeCursor(query);
  const byName = query.sort === 'name';
  const key = byName ? sql`lower(${cols.name})` : sql`${cols.created}`;
  const sortKey = byName ? sql<string>`lower(${cols.name})` : sql<string>`to_char(${cols.created} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
  const past = query.order === 'asc' ? sql.raw('>') : sql.raw('<');
  const after = cursor
    ? sql`(${key}, ${cols.id}) ${past} (${byName ? sql`${cursor.k}::text` : sql`${cursor.k}::timestamptz`}, ${cursor.id}::uuid)`
    : undefined;
  const dir = query.order === 'asc' ? asc : desc;
  // One row more than shown tells whether there is a next page without counting.
  return { after, orderBy: [dir(key), dir(cols.id)], sortKey, limit: query.limit + 1 };
}

/** Cuts the extra row off and gives the cursor of the last row shown when more follow. */
export function toListPage<R extends { sortKey: string; id: string }, T>(rows: R[], query: TListQuery, toItem: (row: R) => T): TListPage<T> {
  const shown = rows.slice(0, query.limit);
  const last = shown[shown.length - 1];
  return {
    items: shown.map(toItem),
    nextCursor: rows.length > query.limit && last ? encodeCursor(query, { key: last.sortKey, id: last.id }) : null,
  };
}

/** An ILIKE pattern matching `text` anywhere, with the pattern's own wildcards escaped. */
export function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}
