'use client';

import { useEffect, useState, type RefObject } from 'react';

/** How far outside the window a cell gets its editor ahead of being scrolled to. */
const MARGIN = '1200px 0px';

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
    const observer = new IntersectionObserver((entries) => entries.some((e) => e.isIntersecting) && setNear(true), { rootMargin: MARGIN });
    observer.observe(el);
    return () => observer.disconnect();
  }, [near, ref]);
  return near;
}
