/**
 * "Été à Zürich (v2)" → "ete-a-zurich-v2": lowercase ASCII letters and digits joined by
 * single hyphens, at most 48 characters. Empty when the name has no letters or digits;
 * callers substitute their own fallback.
 */
export function toSlug(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 48)
    .replace(/-+$/, '');
}
