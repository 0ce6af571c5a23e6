'use client';

import { useMemo } from 'react';
import type { TMimeBundle, TOutput } from '@/common/nbformat/schema';
import { joinMultiline } from '@/common/nbformat/multiline';
import { useHydrated } from '../use-hydrated';
import { isWidgetView, WidgetView } from '../widgets/widget-view';
import { ActiveOutput } from './active-output';
import { renderLatexText } from './markdown-math';
import { ansiToHtml, imageDataUrl, mimeText, renderMarkdown, sanitizeHtml, selectMimeType } from './mime';
import { purifier } from './purifier';
import 'katex/dist/katex.min.css';
import './rich-text.css';

const PRE = 'whitespace-pre-wrap break-words font-mono text-[13px] leading-5';

function AnsiText({ text, className }: { text: string; className?: string }) {
  const html = useMemo(() => ansiToHtml(text), [text]);
  return <pre className={`${PRE} ${className ?? ''}`} dangerouslySetInnerHTML={{ __html: html }} />;
}

/** HTML that is only ever put in the page after DOMPurify ran in the browser. */
function SafeHtml({ html, className }: { html: () => string; className?: string }) {
  const hydrated = useHydrated();
  const clean = useMemo(() => (hydrated ? html() : ''), [hydrated, html]);
  return <div className={className} dangerouslySetInnerHTML={{ __html: clean }} />;
}

function imageSize(metadata: Record<string, unknown>, mime: string): { width?: number; height?: number } {
  const m = (metadata[mime] ?? {}) as { width?: number; height?: number };
  return { width: typeof m.width === 'number' ? m.width : undefined, height: typeof m.height === 'number' ? m.height : undefined };
}

function MimeBundleView({ data, metadata }: { data: TMimeBundle; metadata: Record<string, unknown> }) {
  const mime = selectMimeType(data);
  const text = mime ? mimeText(data, mime) : '';
  const html = useMemo(() => {
    if (mime === 'text/markdown') return () => renderMarkdown(purifier, text);
    if (mime === 'text/latex') return () => sanitizeHtml(purifier, renderLatexText(text));
    return () => '';
  }, [mime, text]);
  switch (mime) {
    case null:
      return <p className="text-xs italic text-slate-400">Output of type {Object.keys(data).join(', ') || 'unknown'} cannot be shown here.</p>;
    case 'text/html':
    case 'image/svg+xml':
    case 'application/javascript':
      return <ActiveOutput mime={mime} text={text} />;
    case 'text/markdown':
      return <SafeHtml html={html} className="lattice-markdown text-sm" />;
    case 'text/latex':
      return <SafeHtml html={html} className="lattice-latex overflow-x-auto text-sm" />;
    case 'image/png':
    case 'image/jpeg':
    case 'image/gif':
    case 'image/webp':
      // eslint-disable-next-line @next/next/no-img-element
      return <img src={imageDataUrl(mime, text)} alt="output" className="max-w-full" {...imageSize(metadata, mime)} />;
    case 'text/plain':
      return <AnsiText text={text} />;
    default:
      return <pre className={PRE}>{text}</pre>;
  }
}

/** One output, rendered from its type and MIME bundle. */
export function OutputView({ output }: { output: TOutput }) {
  switch (output.output_type) {
    case 'stream':
      return <AnsiText text={joinMultiline(output.text)} className={output.name === 'stderr' ? 'rounded bg-red-50 px-1 text-slate-800' : undefined} />;
    case 'error':
      return (
        <div className="rounded bg-red-50 px-2 py-1" data-output="error">
          <AnsiText text={output.traceback.length ? output.traceback.join('\n') : `${output.ename}: ${output.evalue}`} />
        </div>
      );
    default: {
      const bundle = <MimeBundleView data={output.data} metadata={output.metadata} />;
      return isWidgetView(output.data) ? <WidgetView data={output.data} fallback={bundle} /> : bundle;
    }
  }
}
