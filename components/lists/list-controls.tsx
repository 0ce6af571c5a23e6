'use client';

import { useRouter } from 'next/navigation';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { Button } from '@/components/ui/button';
import { Input } from '@/components/ui/input';
import { Select } from '@/components/ui/select';
import type { TListOrder, TListSort } from '@/lib/paging/list-query';
import { listHref } from './list-href';

/** Typing pauses this long before the list is searched, so each keystroke is not a request. */
const SEARCH_DELAY_MS = 300;

/**
 * Search box and sort select of a server-paged list. Every change navigates to a new URL
 * (starting again at the first page) and the server renders the matching page; `keep` holds
 * the list's other parameters (a filter, a tab) that a search must not lose. Typing searches
 * after a pause (replacing the URL, so Back skips half-typed words); Enter searches at once.
 */
export function ListControls({ path, q, sort, order, keep = {}, placeholder, label = 'Search' }: {
  path: string;
  q: string;
  sort: TListSort;
  order: TListOrder;
  keep?: Record<string, string | undefined>;
  placeholder: string;
  label?: string;
}) {
  const router = useRouter();
  const [text, setText] = useState(q);
  const typing = useRef<ReturnType<typeof setTimeout> | null>(null);
  useEffect(() => () => clearTimeout(typing.current ?? undefined), []);
  const hrefFor = (search: string, sortOrder = `${sort}-${order}`) => {
    const [s, o] = sortOrder.split('-');
    return listHref(path, { ...keep, q: search.trim(), sort: s === 'name' ? null : s, order: o === 'asc' ? null : o });
  };
  const search = (value: string) => {
    setText(value);
    clearTimeout(typing.current ?? undefined);
    typing.current = setTimeout(() => value.trim() !== q && router.replace(hrefFor(value)), SEARCH_DELAY_MS);
  };
  return (
    <form
      role="search"
      className="flex flex-wrap items-center gap-2 border-b border-slate-200 px-4 py-3"
      onSubmit={(e: FormEvent) => (e.preventDefault(), clearTimeout(typing.current ?? undefined), router.push(hrefFor(text)))}
    >
      <div className="w-72 max-w-full">
        <Input type="search" name="q" placeholder={placeholder} aria-label={label} value={text} onChange={(e) => search(e.target.value)} />
      </div>
      <Button type="submit" variant="secondary">
        Search
      </Button>
      <div className="w-44">
        <Select aria-label="Sort" value={`${sort}-${order}`} onChange={(e) => router.push(hrefFor(text, e.target.value))}>
          <option value="name-asc">Name A–Z</option>
          <option value="name-desc">Name Z–A</option>
          <option value="created-desc">Newest first</option>
          <option value="created-asc">Oldest first</option>
        </Select>
      </div>
    </form>
  );
}
