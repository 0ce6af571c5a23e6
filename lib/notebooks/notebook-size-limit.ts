/**
 * The one notebook size limit, without imports, so middleware.ts (which refuses oversized
 * request bodies before any route parses them) and the notebook domain share it.
 */

/** The largest notebook accepted (import and save): big enough for many figures, small enough for one JSONB row. */
export const MAX_NOTEBOOK_BYTES = 20 * 1024 * 1024;

export function formatBytes(n: number): string {
  return n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(1)} MB` : `${Math.ceil(n / 1024)} KB`;
}
