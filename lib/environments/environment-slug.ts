import { DEFAULT_ENVIRONMENT_SLUG, KERNELSPEC_ALIASES } from '@/common/environment';
import { toSlug } from '../slugs/to-slug';

/** Kernelspec names a template may never take: the platform default and its aliases. */
export const RESERVED_SLUGS: ReadonlySet<string> = new Set([DEFAULT_ENVIRONMENT_SLUG, ...Object.keys(KERNELSPEC_ALIASES)]);

/**
 * Slug candidates for a template name, tried in order until one is free: "PySpark 3.5 (big)"
 * → "pyspark-3-5-big", "pyspark-3-5-big-2", … Never a reserved name. The slug is the
 * kernelspec name Jupyter clients pick, so it stays fixed when the template is renamed.
 */
export function slugCandidates(name: string, count: number): string[] {
  const base = toSlug(name) || 'environment';
  const out: string[] = [];
  for (let n = 1; out.length < count; n++) {
    const slug = n === 1 ? base : `${base}-${n}`;
    if (!RESERVED_SLUGS.has(slug)) out.push(slug);
  }
  return out;
}
