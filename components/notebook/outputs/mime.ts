import { AnsiUp } from 'ansi_up';
import { Marked } from 'marked';
import { joinMultiline } from '@/common/nbformat/multiline';
import { isJsonMimeType, type TMimeBundle } from '@/common/nbformat/schema';
import { highlightFence } from './highlight-code';
import { removeMath, replaceMath } from './markdown-math';
import { replaceMissingImages } from './missing-images';

/**
 * How an output's MIME bundle is shown. Pure functions (DOMPurify is passed in, so tests
 * run them with jsdom and the browser with its own window).
 */

/**
 * Preferred first, in JupyterLab's renderer ranks (javascript 0, html 50, markdown 60, latex
 * 70, svg 80, images 90, text 120). JavaScript, HTML and SVG render in a sandboxed frame
 * (output-view.tsx); widget views are not chosen here.
 */
export const MIME_ORDER = [
  'application/javascript',
  'text/html',
  'text/markdown',
  'text/latex',
  'image/svg+xml',
  'image/png',
  'image/jpeg',
  'image/gif',
  'image/webp',
  'application/json',
  'text/plain',
] as const;
export type TRenderableMime = (typeof MIME_ORDER)[number];

/** The MIME type to render from a bundle, or null if nothing in it is safe to show. */
export function selectMimeType(bundle: TMimeBundle): TRenderableMime | null {
  for (const mime of MIME_ORDER) if (bundle[mime] !== undefined) return mime;
  return null;
}

/** The text of a bundle entry (multiline strings joined; JSON values pretty-printed). */
export function mimeText(bundle: TMimeBundle, mime: string): string {
  const value = bundle[mime];
  if (isJsonMimeType(mime)) return JSON.stringify(value, null, 2);
  return typeof value === 'string' || Array.isArray(value) ? joinMultiline(value as string | string[]) : '';
}

/** A data URL for a base64 image (whitespace and line breaks in the stored base64 removed). */
export function imageDataUrl(mime: string, base64: string): string {
  return `data:${mime};base64,${base64.replace(/\s+/g, '')}`;
}

/** The part of DOMPurify these helpers use. */
export interface TPurifier {
  sanitize(dirty: string, config?: Record<string, unknown>): string | TrustedHTMLLike;
}
type TrustedHTMLLike = { toString(): string };

const HTML_CONFIG = {
  // No scripts, no page-wide styles, no forms posing as the app, no frames; DOMPurify drops
  // every on* handler and javascript: URL on its own.
  FORBID_TAGS: ['script', 'style', 'form', 'iframe', 'object', 'embed', 'base', 'meta', 'link'],
  FORBID_ATTR: ['srcdoc', 'formaction'],
  ALLOW_DATA_ATTR: false,
  // KaTeX's MathML wraps the formula in `semantics` with its TeX in an `annotation`, which
  // DOMPurify's default MathML list leaves out.
  ADD_TAGS: ['semantics', 'annotation'],
  ADD_ATTR: ['encoding'],
};

/** HTML from rendered Markdown or LaTeX (KaTeX's spans, styles and MathML kept), safe to put in the page. */
export function sanitizeHtml(purify: TPurifier, html: string): string {
  return String(purify.sanitize(html, HTML_CONFIG));
}

const markdown = new Marked({ gfm: true, renderer: { code: ({ text, lang }) => highlightFence(text, lang) } });

/**
 * Markdown (cells and `text/markdown` outputs) → sanitized HTML: LaTeX rendered with KaTeX
 * (cut out before the Markdown parser sees it), fenced code highlighted, `attachment:name`
 * images resolved to the cell's attachments as data URLs, and images that point at files
 * (which Lattice cannot serve yet) shown as "Image not found".
 */
export function renderMarkdown(purify: TPurifier, source: string, attachments?: Record<string, TMimeBundle>): string {
  const { text, pieces } = removeMath(source);
  let html = replaceMath(markdown.parse(text, { async: false }) as string, pieces);
  if (attachments) {
    html = html.replace(/(src|href)="attachment:([^"]+)"/g, (whole, attr: string, name: string) => {
      const bundle = attachments[decodeURIComponent(name)];
      const mime = bundle && Object.keys(bundle).find((m) => m.startsWith('image/'));
      if (!bundle || !mime) return whole;
      const data = mimeText(bundle, mime);
      const url = mime === 'image/svg+xml' ? `data:image/svg+xml;charset=utf-8,${encodeURIComponent(data)}` : imageDataUrl(mime, data);
      return `${attr}="${url}"`;
    });
  }
  return replaceMissingImages(sanitizeHtml(purify, html));
}

/**
 * Applies carriage returns and backspaces the way a terminal would (progress bars print
 * "\r50%" over and over): text before a lone `\r` on a line is overwritten.
 */
export function removeOverwrittenChars(text: string): string {
  let out = text;
  while (/[^\n]\x08/.test(out)) out = out.replace(/[^\n]\x08/g, '');
  return out
    .split('\n')
    .map((line) => {
      const parts = line.split('\r');
      if (parts.length === 1) return line;
      // Later segments overwrite earlier ones from the start of the line.
      let result = '';
      for (const part of parts) result = part + result.slice(part.length);
      return result;
    })
    .join('\n');
}

/** Text with ANSI colour codes → HTML (`<`, `>`, `&` escaped; colours as inline styles). */
export function ansiToHtml(text: string): string {
  const ansi = new AnsiUp();
  ansi.use_classes = false;
  ansi.escape_html = true;
  return ansi.ansi_to_html(removeOverwrittenChars(text));
}
