import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { bundleForBrowser } from './browser-bundle';

export interface TFloorEditorServer {
  /** The page holding one editor with `docs[name]` as its text. */
  pageUrl(name: string): string;
  close(): Promise<void>;
}

/** JSON inside a <script> element: `<` escaped so a document containing `</script>` cannot end it. */
const scriptJson = (value: unknown) => JSON.stringify(value).replaceAll('<', '\\u003c');

/**
 * Serves the floor of `bench:notebook` on 127.0.0.1: `/<name>` is a bare page with one
 * CodeMirror editor (bench/browser/floor-editor.ts, bundled with esbuild) holding `docs[name]`.
 */
export async function startFloorEditorServer(docs: Record<string, string>): Promise<TFloorEditorServer> {
  const script = await bundleForBrowser('floor-editor');
  const server = createServer((req, res) => {
    const name = decodeURIComponent((req.url ?? '/').slice(1));
    if (name === 'floor-editor.js') {
      res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8' }).end(script);
    } else if (Object.hasOwn(docs, name)) {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(
        `<!doctype html><html><head><meta charset="utf-8"><title>CodeMirror floor</title></head><body>` +
          `<div id="editor"></div><script type="application/json" id="doc">${scriptJson(docs[name])}</script>` +
          `<script src="/floor-editor.js"></script></body></html>`,
      );
    } else {
      res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ code: 'NOT_FOUND', message: `No floor page "${name}"; there are: ${Object.keys(docs).join(', ')}.` }));
    }
  });
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    pageUrl: (name) => `http://127.0.0.1:${port}/${encodeURIComponent(name)}`,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        // Chromium keeps its connections alive; close() alone would wait for them.
        server.closeAllConnections();
      }),
  };
}
