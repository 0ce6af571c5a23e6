/**
 * The pages that active output content runs in (`/frames/<name>.html`): each
 * `components/notebook/frames/<name>-frame.ts` is bundled with esbuild into `public/frames/`,
 * beside a page that loads it. The app shows them in `<iframe sandbox="allow-scripts">` and
 * next.config.mjs serves them with a sandboxing Content-Security-Policy, so their code never
 * runs with the app's origin. Everything they need is served by Lattice (no CDN).
 */
import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { newestMtime } from './newest-mtime';
import { ROOT } from './start-config';

const SOURCE_DIR = path.join(ROOT, 'components/notebook/frames');
export const FRAMES_DIR = path.join(ROOT, 'public/frames');
const ENTRY = /^(.+)-frame\.ts$/;

function entries(): { name: string; file: string }[] {
  return readdirSync(SOURCE_DIR)
    .map((f) => ENTRY.exec(f))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ name: m[1]!, file: path.join(SOURCE_DIR, m[0]) }));
}

function page(name: string, withCss: boolean): string {
  const css = withCss ? `<link rel="stylesheet" href="/frames/${name}.css">` : '';
  return `<!doctype html><html><head><meta charset="utf-8">${css}<script src="/frames/${name}.js"></script></head><body></body></html>\n`;
}

/** Bundles every frame (a second or two). */
export async function buildFrames(): Promise<void> {
  mkdirSync(FRAMES_DIR, { recursive: true });
  for (const { name, file } of entries()) {
    await build({
      entryPoints: { [name]: file },
      bundle: true,
      format: 'iife',
      platform: 'browser',
      target: 'es2020',
      minify: true,
      outdir: FRAMES_DIR,
      loader: { '.woff': 'file', '.woff2': 'file', '.ttf': 'file', '.eot': 'file', '.svg': 'file', '.png': 'file' },
      assetNames: '[name]-[hash]',
      publicPath: '/frames',
      define: { 'process.env.NODE_ENV': '"production"' },
      logLevel: 'warning',
    });
    writeFileSync(path.join(FRAMES_DIR, `${name}.html`), page(name, existsSync(path.join(FRAMES_DIR, `${name}.css`))));
  }
}

/** Builds the frames when they are missing or older than their sources (or the lockfile). */
export async function ensureFrames(log: (line: string) => void): Promise<void> {
  const built = entries().map(({ name }) => path.join(FRAMES_DIR, `${name}.html`));
  const oldest = Math.min(...built.map((f) => (existsSync(f) ? statSync(f).mtimeMs : 0)));
  // A frame may import any component module (the output renderers): all of them count.
  const inputs = ['package-lock.json', 'scripts/build-frames.ts'].map((f) => statSync(path.join(ROOT, f)).mtimeMs);
  const newest = Math.max(newestMtime(path.join(ROOT, 'components')), newestMtime(path.join(ROOT, 'common')), ...inputs);
  if (oldest > newest) return;
  log('Bundling the sandboxed output frames…');
  await buildFrames();
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) await buildFrames();
