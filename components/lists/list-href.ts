/**
 * The URL of a list page with `params` (empty values dropped), so searches, sorts and pages are
 * links: shareable, and the browser's Back goes to the previous page of the list.
 */
export function listHref(path: string, params: Record<string, string | null | undefined>): string {
  const search = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v) search.set(k, v);
  const qs = search.toString();
  return qs ? `${path}?${qs}` : path;
}
