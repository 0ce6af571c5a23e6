import path from 'node:path';
import { build } from 'esbuild';

const BROWSER_DIR = path.join(import.meta.dirname, 'browser');

/**
 * One of bench/browser/*.ts as a single minified script for Chromium (an IIFE: it runs as an
 * init script or a classic <script>), the way the web's own production build ships its code.
 */
export async function bundleForBrowser(entry: 'page-probe' | 'floor-editor'): Promise<string> {
  const result = await build({
    entryPoints: [path.join(BROWSER_DIR, `${entry}.ts`)],
    bundle: true,
    write: false,
    format: 'iife',
    minify: true,
    target: 'chrome120',
    platform: 'browser',
    define: { 'process.env.NODE_ENV': '"production"' },
    logLevel: 'silent',
  });
  return result.outputFiles[0].text;
}
