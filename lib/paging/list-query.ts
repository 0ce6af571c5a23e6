import { z } from 'zod';
import { zSingleLineText } from '@/common/plain-text';

/** Rows a list page shows unless `limit` asks otherwise; 50 rows of any list stay well under 300 KB. */
export const LIST_PAGE_SIZE = 50;
/** The most rows one request may ask for: a larger `limit` is capped, not refused, so a link never breaks. */
export const LIST_PAGE_MAX = 200;

export const ZListSort = z.enum(['name', 'created']);
export type TListSort = z.infer<typeof ZListSort>;
export const ZListOrder = z.enum(['asc', 'desc']);
export type TListOrder = z.infer<typeof ZListOrder>;

/**
 * The query of every paged list (`?q=&sort=&order=&cursor=&limit=`): a case-insensitive
 * substring search, a sort key with a direction, and a keyset cursor. Lists extend it with
 * their own filters.
 */
export const ZListQuery = z.object({
  q: zSingleLineText().max(200, 'Search for at most 200 characters').transform((s) => s.trim()).default(''),
  sort: ZListSort.default('name'),
  order: ZListOrder.default('asc'),
  cursor: z.string().max(2000).optional(),
  limit: z.coerce.number({ message: 'The limit must be a number' }).int('The limit must be a whole number').min(1, 'The limit must be at least 1')
    .transform((n) => Math.min(n, LIST_PAGE_MAX))
    .default(LIST_PAGE_SIZE),
});
export type TListQuery = z.infer<typeof ZListQuery>;
export type TListQueryInput = z.input<typeof ZListQuery>;

/** One page of a list; `nextCursor` is null on the last page. */
export interface TListPage<T> {
  items: T[];
  nextCursor: string | null;
}

/** Query parameters as a route handler (URLSearchParams) or a page (`searchParams`) receives them. */
export type TRawParams = URLSearchParams | Record<string, string | string[] | undefined>;

/** The parameters as one string each (a repeated parameter counts once, the first), for a list's schema. */
export function flattenParams(params: TRawParams): Record<string, string> {
  const flat: Record<string, string> = {};
  const entries = params instanceof URLSearchParams ? [...params.entries()] : Object.entries(params);
  for (const [k, v] of entries) {
    const first = Array.isArray(v) ? v[0] : v;
    if (first !== undefined && !Object.hasOwn(flat, k)) flat[k] = first;
  }
  return flat;
}
