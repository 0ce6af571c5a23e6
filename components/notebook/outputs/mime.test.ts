import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import createDOMPurify from 'dompurify';
import { JSDOM } from 'jsdom';
import { validateNotebook } from '@/common/nbformat/validate-notebook';
import type { TMarkdownCell, TNotebook, TOutput } from '@/common/nbformat/schema';
import { ansiToHtml, imageDataUrl, mimeText, removeOverwrittenChars, renderMarkdown, sanitizeHtml, selectMimeType } from './mime';

const NOTEBOOKS = path.resolve(import.meta.dirname, '../../../../shared/fixtures/notebooks');
function load(name: string): TNotebook {
  const r = validateNotebook(JSON.parse(readFileSync(path.join(NOTEBOOKS, name), 'utf8')));
  assert.ok(r.ok);
  return (r as { notebook: TNotebook }).notebook;
}
const outputs = (nb: TNotebook): TOutput[] => nb.cells.flatMap((c) => (c.cell_type === 'code' ? c.outputs : []));
const bundles = (nb: TNotebook) => outputs(nb).flatMap((o) => ('data' in o ? [o.data] : []));

const purify = createDOMPurify(new JSDOM('').window as any);

describe('choosing the MIME type to show', () => {
  test('the richest safe type wins (fixtures with several types per output)', () => {
    assert.deepEqual(bundles(load('nbconvert-markdown_display_priority.ipynb')).map(selectMimeType), ['text/plain', 'image/png']);
    assert.deepEqual(bundles(load('nbconvert-svg.ipynb')).map(selectMimeType), ['text/plain', 'image/svg+xml']);
    // PDF is never shown inline; the PNG of the same figure is.
    assert.ok(bundles(load('nbconvert-notebook2.ipynb')).map(selectMimeType).includes('image/png'));
    assert.ok(!bundles(load('nbconvert-notebook2.ipynb')).map(selectMimeType).includes('application/pdf' as any));
  });

  test('JavaScript is chosen first (it runs in its sandboxed frame), as in JupyterLab; HTML beats plain text', () => {
    assert.deepEqual(bundles(load('nbformat-test4.5.ipynb')).map(selectMimeType), ['text/html', 'application/javascript', 'image/png']);
    assert.equal(selectMimeType({ 'application/javascript': 'alert(1)', 'text/html': '<b>x</b>' }), 'application/javascript');
    assert.equal(selectMimeType({ 'application/vnd.jupyter.widget-view+json': {}, 'text/plain': 'IntSlider' }), 'text/plain');
  });

  test("JupyterLab's ranks: Markdown and LaTeX before images, SVG before PNG", () => {
    assert.equal(selectMimeType({ 'text/latex': '$x$', 'image/png': 'AAAA', 'text/plain': 'x' }), 'text/latex');
    assert.equal(selectMimeType({ 'text/markdown': '*x*', 'text/latex': '$x$' }), 'text/markdown');
    assert.equal(selectMimeType({ 'image/png': 'AAAA', 'image/svg+xml': '<svg/>' }), 'image/svg+xml');
  });

  test('JSON is pretty-printed; multiline strings are joined', () => {
    assert.equal(mimeText({ 'application/json': { a: [1] } }, 'application/json'), '{\n  "a": [\n    1\n  ]\n}');
    assert.equal(mimeText({ 'text/plain': ['a\n', 'b'] }, 'text/plain'), 'a\nb');
  });

  test('images become data URLs without the line breaks of stored base64', () => {
    const png = bundles(load('nbconvert-markdown_display_priority.ipynb'))[1]!['image/png'] as string;
    const url = imageDataUrl('image/png', png);
    assert.match(url, /^data:image\/png;base64,iVBORw0KGgo[A-Za-z0-9+/=]+$/);
  });
});

describe('sanitizing', () => {
  test('HTML from a fixture keeps its markup but loses the script', () => {
    const html = mimeText(bundles(load('nbformat-test4.5.ipynb'))[0]!, 'text/html');
    assert.match(html, /<script>/);
    const clean = sanitizeHtml(purify, html);
    assert.doesNotMatch(clean, /<script|console\.log/);
    assert.match(clean, /<b>HTML<\/b>/);
  });

  test('event handlers, javascript: URLs, styles, forms and frames are removed', () => {
    const clean = sanitizeHtml(
      purify,
      '<img src=x onerror="alert(1)"><a href="javascript:alert(1)" onclick="x()">a</a><style>body{display:none}</style><form action="/api"><input></form><iframe src="https://evil"></iframe><svg onload="alert(1)"></svg><table class="dataframe"><tr><td style="color:red">1</td></tr></table>',
    );
    assert.doesNotMatch(clean, /onerror|onclick|onload|javascript:|<style|<form|<iframe|alert/);
    assert.match(clean, /<table class="dataframe">/);
    assert.match(clean, /style="color:red"/);
  });

  test('Markdown renders, is sanitized, and resolves attachments', () => {
    const nb = load('nbconvert-attachment.ipynb');
    const cell = nb.cells[0] as TMarkdownCell;
    const html = renderMarkdown(purify, cell.source as string, cell.attachments);
    assert.match(html, /<img[^>]+src="data:image\/png;base64,/);
    assert.doesNotMatch(html, /attachment:/);
    const md = renderMarkdown(purify, '# Title\n\n*x* <img src=x onerror=alert(1)>\n\n<script>alert(1)</script>');
    assert.match(md, /<h1>Title<\/h1>/);
    assert.match(md, /<em>x<\/em>/);
    assert.doesNotMatch(md, /script|onerror|alert/);
  });

  test('Markdown math survives the Markdown parser and the sanitizer (KaTeX spans, styles, MathML)', () => {
    const html = renderMarkdown(purify, 'Area $x^2$ and $$\\int_0^1 f\\,dx$$ for $5 and $10.');
    assert.equal((html.match(/class="katex"/g) ?? []).length, 2);
    assert.match(html, /<span class="katex-display">/);
    assert.match(html, /<math xmlns="http:\/\/www.w3.org\/1998\/Math\/MathML" display="block"><semantics>/);
    assert.match(html, /<annotation encoding="application\/x-tex">\\int_0\^1 f\\,dx<\/annotation>/);
    assert.match(html, /class="mspace" style="margin-right:0.1667em;"/);
    assert.match(html, /for \$5 and \$10\.<\/p>/);
  });

  test('Markdown: fenced Python is highlighted; missing relative images and other sites\' images show a placeholder', () => {
    const html = renderMarkdown(purify, '```python\nimport os\n```\n\n![x](images/missing.png) <img src="data/plot.png"> ![y](https://example.com/a.png)');
    assert.match(html, /<code class="language-python"><span class="tok-keyword">import<\/span>/);
    assert.match(html, /<span class="lattice-missing-image" role="img" aria-label="Image not found: images\/missing.png">Image not found: images\/missing.png<\/span>/);
    assert.match(html, />Image not found: data\/plot.png</);
    assert.match(html, /<a href="https:\/\/example.com\/a.png" target="_blank" rel="noopener noreferrer"><span class="lattice-missing-image" role="img" aria-label="Image from another site, not loaded: https:\/\/example.com\/a.png">/);
  });

  test('KaTeX output goes through the sanitizer without its scripts', () => {
    const clean = sanitizeHtml(purify, '<span class="katex" style="color:red"><math><semantics><mi>x</mi><annotation encoding="application/x-tex">x</annotation></semantics></math></span><img src=x onerror=alert(1)><script>alert(2)</script>');
    assert.match(clean, /<annotation encoding="application\/x-tex">x<\/annotation>/);
    assert.doesNotMatch(clean, /onerror|script|alert/);
  });
});

describe('text and tracebacks', () => {
  test('ANSI colours become styles; HTML in text is escaped', () => {
    const html = ansiToHtml('\x1b[0;31mNameError\x1b[0m <b>&');
    assert.match(html, /<span style="color:rgb\(187,0,0\)">NameError<\/span>/);
    assert.match(html, /&lt;b&gt;&amp;/);
  });

  test('every traceback line of the fixture converts with no raw escape codes left', () => {
    const err = outputs(load('nbformat-many_tracebacks.ipynb')).find((o) => o.output_type === 'error');
    assert.ok(err && err.output_type === 'error');
    const html = ansiToHtml(err.traceback.join('\n'));
    assert.doesNotMatch(html, /\x1b\[/);
    assert.match(html, /NameError/);
  });

  test('carriage returns overwrite like a terminal', () => {
    assert.equal(removeOverwrittenChars('10%\r50%\r100%\ndone'), '100%\ndone');
    assert.equal(removeOverwrittenChars('abcdef\rXY'), 'XYcdef');
    assert.equal(removeOverwrittenChars('ab\x08c'), 'ac');
  });
});

