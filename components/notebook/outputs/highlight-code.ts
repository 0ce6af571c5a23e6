import { cssLanguage } from '@codemirror/lang-css';
import { htmlLanguage } from '@codemirror/lang-html';
import { javascriptLanguage, typescriptLanguage } from '@codemirror/lang-javascript';
import { pythonLanguage } from '@codemirror/lang-python';
import type { Parser } from '@lezer/common';
import { classHighlighter, highlightCode } from '@lezer/highlight';

/**
 * Fenced code in Markdown, highlighted with the parsers the cell editors already load (so the
 * colours match the editor's `tok-*` classes, styled in rich-text.css). Languages without a
 * parser here stay plain text.
 */
const PARSERS: Record<string, Parser> = {
  python: pythonLanguage.parser,
  py: pythonLanguage.parser,
  python3: pythonLanguage.parser,
  ipython: pythonLanguage.parser,
  ipython3: pythonLanguage.parser,
  javascript: javascriptLanguage.parser,
  js: javascriptLanguage.parser,
  typescript: typescriptLanguage.parser,
  ts: typescriptLanguage.parser,
  html: htmlLanguage.parser,
  css: cssLanguage.parser,
};

const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** The language word of a fence's info string (` ```Python title=x ` → `python`). */
export function fenceLanguage(info: string | undefined): string {
  return (info ?? '').trim().split(/\s+/)[0]!.toLowerCase();
}

/** A fenced block as `<pre><code>` HTML: tokens in `tok-*` spans when the language is known, escaped text otherwise. */
export function highlightFence(code: string, info: string | undefined): string {
  const lang = fenceLanguage(info);
  const parser = PARSERS[lang];
  const cls = lang ? ` class="language-${escapeHtml(lang).replace(/"/g, '')}"` : '';
  if (!parser) return `<pre><code${cls}>${escapeHtml(code)}\n</code></pre>\n`;
  let html = '';
  highlightCode(
    code,
    parser.parse(code),
    classHighlighter,
    (text, classes) => (html += classes ? `<span class="${classes}">${escapeHtml(text)}</span>` : escapeHtml(text)),
    () => (html += '\n'),
  );
  return `<pre><code${cls}>${html}\n</code></pre>\n`;
}
