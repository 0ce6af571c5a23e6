import { z } from 'zod';

/**
 * Text fields people type (names, descriptions) refuse control characters at the edge, with a
 * 400 naming the field: a NUL cannot be stored by Postgres (a 500 before), and the others
 * only hide what a name really says. Multi-line fields keep tab and line breaks.
 */
// eslint-disable-next-line no-control-regex
const SINGLE_LINE = /^[^\u0000-\u001f\u007f]*$/;
// eslint-disable-next-line no-control-regex
const MULTI_LINE = /^[^\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]*$/;

/** A one-line text field (a name): no control characters at all, tabs and line breaks included. */
export function zSingleLineText(params?: Parameters<typeof z.string>[0]) {
  return z.string(params).regex(SINGLE_LINE, 'Remove control characters (tabs, line breaks, NUL) from this field');
}

/** A multi-line text field (a description): tabs and line breaks allowed, other control characters not. */
export function zMultiLineText() {
  return z.string().regex(MULTI_LINE, 'Remove control characters (such as NUL) from this field; only tabs and line breaks are allowed');
}

/**
 * The dotted path of the first string inside `value` (keys included) holding a NUL, or null.
 * For JSON documents stored as jsonb (notebooks), which cannot hold `\u0000` anywhere.
 */
export function findNul(value: unknown, path = ''): string | null {
  if (typeof value === 'string') return value.includes('\u0000') ? path || '_' : null;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const hit = findNul(value[i], path ? `${path}.${i}` : String(i));
      if (hit) return hit;
    }
    return null;
  }
  if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      const at = path ? `${path}.${k}` : k;
      if (k.includes('\u0000')) return at;
      const hit = findNul(v, at);
      if (hit) return hit;
    }
  }
  return null;
}
