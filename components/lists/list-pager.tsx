import Link from 'next/link';
import { buttonClasses } from '@/components/ui/button';
import { listHref } from './list-href';

/**
 * "First page" and "Next page" links under a keyset-paged list. A keyset cursor only points
 * forward; going back one page is the browser's Back, since every page has its own URL.
 */
export function ListPager({ path, params, cursor, nextCursor, shown }: {
  path: string;
  /** The list's parameters without the cursor. */
  params: Record<string, string | undefined>;
  cursor: string | undefined;
  nextCursor: string | null;
  shown: number;
}) {
  if (!cursor && !nextCursor) return null;
  return (
    <nav aria-label="Pages" className="flex items-center gap-2 border-t border-slate-200 px-4 py-3 text-sm">
      <span className="text-slate-500">{shown} shown{cursor ? ' (not the first page)' : ''}</span>
      <span className="ml-auto" />
      {cursor && (
        <Link className={buttonClasses('ghost', 'sm')} href={listHref(path, params)}>
          First page
        </Link>
      )}
      {nextCursor && (
        <Link className={buttonClasses('secondary', 'sm')} href={listHref(path, { ...params, cursor: nextCursor })}>
          Next page
        </Link>
      )}
    </nav>
  );
}
