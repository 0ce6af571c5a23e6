'use client';

import { useEffect, useState, type RefObject } from 'react';

/** How far outside the window a cell gets its editor ahead of being scrolled to. */
const MARGIN = '1200px 0px';

/** One observer for every cell of the page (a 1,000-cell notebook would otherwise create 1,000 at start-up), with each watched element's callback. */
let observer: IntersectionObserver | null = null;
const watchers = new Map<Element, () => void>();

function watch(el: Element, onNear: () => void): () => void {
  observer ??= new IntersectionObserver(
    (entries) => {
      for (const e of entries) {
        if (!e.isIntersecting) continue;
        const call = watchers.get(e.target);
        unwatch(e.target);
        call?.();
      }
    },
    { rootMargin: MARGIN },
  );
  watchers.set(el, onNear);
  observer.observe(el);
  return () => unwatch(el);
}

function unwatch(el: Element): void {
  if (!watchers.delete(el)) return;
  observer?.unobserve(el);
}

/**
 * True once the element has come within a screen or so of the viewport, and from then on.
 * A 1,000-cell notebook thus creates its editors as the user reaches them rather than all
 * at once (bench/notebook-editor.ts measures the difference); an editor is never torn down,
 * so its undo history and cursor survive scrolling away.
 */
export function useNearViewport(ref: RefObject<HTMLElement | null>): boolean {
  const [near, setNear] = useState(false);
  useEffect(() => {
    const el = ref.current;
    if (near || !el) return;
    return watch(el, () => setNear(true));
  }, [near, ref]);
  return near;
}
