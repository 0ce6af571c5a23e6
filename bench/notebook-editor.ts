/**
 * `npm run bench:notebook [-- --reps=5]`: the notebook page with 1,000 cells (issue 11 §6) in
 * Debian's Chromium, against its floor — one CodeMirror 6 editor alone on a bare page, same
 * packages, same text — in the same process and browser:
 * - open: navigation start → the first cell's editor painted visible → a click into it and one
 *   typed key painted in it; also largest contentful paint and long tasks until then.
 *   `--reps` opens per side after one warm-up each, alternating which side goes first.
 * - typing: ~200 keys at the end of the first cell and of a code cell in the middle, each key's
 *   keydown `timeStamp` → just after the next paint; Event Timing entries of those keys.
 * The real platform (next start + gateway + Postgres), signed in through the sign-in page.
 * One table, then results/notebook-editor.json and the "Notebook editor" section of
 * bench/README.md (other --reps: results/notebook-editor-partial.json only).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { APIRequestContext, Browser, BrowserContext, Page } from 'playwright-core';
import { z } from 'zod';
import { joinMultiline } from '../common/nbformat/multiline';
import { startTestPlatform, type TTestPlatform } from '../tests/helpers/test-platform';
import { testPython } from '../tests/helpers/python';
import { bundleForBrowser } from './browser-bundle';
import type { TProbeConfig } from './browser/probe-state';
import { firstCell, installProbe, measureOpen, measureTyping, TYPED_TEXT, type TOpenResult, type TTypingResult } from './editor-measure';
import { startFloorEditorServer, type TFloorEditorServer } from './floor-editor-server';
import { buildLargeNotebook, middleCodeCell, readFixturePool } from './large-notebook';
import { describeMachine, describeRun, replaceReadmeSection, rounded, targetsVerdict } from './report';
import { alternate, ratioOf, type TScenarioRow } from './scenario';
import { median, percentile } from './stats';
import { formatTable } from './table';

const DEFAULT_REPS = 5;
const { values: args } = parseArgs({ options: { reps: { type: 'string', default: String(DEFAULT_REPS) } } });
const reps = Number(args.reps);
if (!Number.isInteger(reps) || reps < 1) throw new Error('--reps takes a positive whole number');
const OPEN_TARGET_MS = 2000;
const KEY_TARGET_MS = 16;
const ADMIN = { email: 'bench@example.com', password: 'bench-notebook-password' };
const VIEWPORT = { width: 1280, height: 800 };
const LATTICE_PROBE: TProbeConfig = { firstScope: '[data-testid=cell]' };
const FLOOR_PROBE: TProbeConfig = { firstScope: 'body' };

const began = performance.now();
const log = (line: string) => console.log(`[bench:notebook ${((performance.now() - began) / 1000).toFixed(0).padStart(4)} s] ${line}`);
const machine = describeMachine(testPython());

const notebook = buildLargeNotebook(readFixturePool());
const middle = middleCodeCell(notebook);
const sourceOf = (index: number) => joinMultiline(notebook.cells[index].source);

let testPlatform: TTestPlatform | null = null;
let floor: TFloorEditorServer | null = null;
async function cleanUp(): Promise<void> {
  await floor?.close().catch(() => undefined);
  await testPlatform?.close().catch(() => undefined);
}
process.once('SIGINT', () => void cleanUp().finally(() => process.exit(130)));

const ZCreated = z.object({ id: z.string().uuid() });

/** POSTs JSON with the signed-in context's cookies; the answer must carry the new thing's id. */
async function create(request: APIRequestContext, url: string, data: unknown, what: string): Promise<string> {
  const res = await request.post(url, { data });
  const body: unknown = await res.json().catch(() => null);
  if (!res.ok()) throw new Error(`creating the ${what} failed: ${res.status()} ${JSON.stringify(body)}`);
  return ZCreated.parse(body).id;
}

async function signIn(context: BrowserContext, webUrl: string): Promise<void> {
  const page = await context.newPage();
  await page.goto(`${webUrl}/signin`);
  await page.fill('input[name=email]', ADMIN.email);
  await page.fill('input[name=password]', ADMIN.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(/\/projects$/, { timeout: 60_000 });
  await page.close();
}

/** A fresh page per measurement, the probe installed before the first byte; uncaught page errors are collected. */
async function withPage<T>(context: BrowserContext, config: TProbeConfig, probeBundle: string, errors: string[], f: (page: Page) => Promise<T>): Promise<T> {
  const page = await context.newPage();
  page.on('pageerror', (e) => errors.push(e.message));
  try {
    await installProbe(page, probeBundle, config);
    return await f(page);
  } finally {
    await page.close();
  }
}

interface TRun {
  browserVersion: string;
  open: { lattice: TOpenResult[]; floor: TOpenResult[] };
  typing: { lattice: { first: TTypingResult; middle: TTypingResult }; floor: { first: TTypingResult; middle: TTypingResult } };
  pageErrors: string[];
}

async function measure(browser: Browser, webUrl: string): Promise<TRun> {
  const probeBundle = await bundleForBrowser('page-probe');
  floor = await startFloorEditorServer({ first: sourceOf(0), middle: sourceOf(middle) });
  const context = await browser.newContext({ viewport: VIEWPORT });
  await signIn(context, webUrl);
  const projectId = await create(context.request, `${webUrl}/api/projects`, { name: 'Notebook bench' }, 'project');
  const notebookUrl = async (name: string) => `${webUrl}/projects/${projectId}/notebooks/${await create(context.request, `${webUrl}/api/projects/${projectId}/notebooks`, { name, content: notebook }, 'notebook')}`;
  // One notebook for every open (the key typed to prove it interactive is deleted again), one for typing.
  const openUrl = await notebookUrl('Bench 1,000 cells (open)');
  const typingUrl = await notebookUrl('Bench 1,000 cells (typing)');
  const floorUrl = floor.pageUrl('first');
  const errors: string[] = [];
  const openLattice = () => withPage(context, LATTICE_PROBE, probeBundle, errors, (page) => measureOpen(page, openUrl, LATTICE_PROBE));
  const openFloor = () => withPage(context, FLOOR_PROBE, probeBundle, errors, (page) => measureOpen(page, floorUrl, FLOOR_PROBE));

  log('warming up (one open per side, not counted)…');
  await openLattice();
  await openFloor();
  log(`open × ${reps} per side…`);
  const open = await alternate(reps, { lattice: openLattice, floor: openFloor });
  log(`open: Lattice ${open.lattice.map((r) => Math.round(r.interactive)).join(', ')} ms; floor ${open.floor.map((r) => Math.round(r.interactive)).join(', ')} ms`);

  log(`typing ${TYPED_TEXT.length} keys into the first cell and into cell ${middle + 1} of ${notebook.cells.length}…`);
  const latticeTyping = await withPage(context, LATTICE_PROBE, probeBundle, errors, async (page) => {
    await measureOpen(page, typingUrl, LATTICE_PROBE);
    const cells = page.locator('[data-testid=cell]');
    const count = await cells.count();
    if (count !== notebook.cells.length) throw new Error(`the page has ${count} [data-testid=cell] elements for ${notebook.cells.length} cells; the benchmark finds the middle cell by its position among them`);
    const first = await measureTyping(page, firstCell(page, LATTICE_PROBE));
    return { first, middle: await measureTyping(page, cells.nth(middle)) };
  });
  const floorTyping = async (name: 'first' | 'middle') =>
    withPage(context, FLOOR_PROBE, probeBundle, errors, async (page) => {
      await measureOpen(page, floor!.pageUrl(name), FLOOR_PROBE);
      return measureTyping(page, firstCell(page, FLOOR_PROBE));
    });
  const floorTypingResult = { first: await floorTyping('first'), middle: await floorTyping('middle') };
  await context.close();
  return { browserVersion: browser.version(), open, typing: { lattice: latticeTyping, floor: floorTypingResult }, pageErrors: errors };
}

function row(id: string, scenario: string, unit: string, floorValue: number | null, lattice: number | null, target: string, pass: boolean | null, note: string): TScenarioRow {
  return { id, scenario, unit, floor: floorValue, gateway: lattice, ratio: ratioOf(lattice, floorValue), target, pass, note };
}

function rowsOf(run: TRun): TScenarioRow[] {
  const m = (runs: TOpenResult[], f: (r: TOpenResult) => number | null) => median(runs.map(f).filter((v): v is number => v !== null));
  const { lattice: l, floor: f } = run.open;
  const interactive = m(l, (r) => r.interactive);
  const retried = l.filter((r) => r.attempts > 1).length;
  const rows = [
    row('open-interactive', 'open: first cell visible and interactive (1,000 cells)', 'ms', m(f, (r) => r.interactive), interactive, `< ${OPEN_TARGET_MS.toLocaleString('en')} ms`, interactive < OPEN_TARGET_MS,
      `median of ${l.length}; navigation start → a key typed after a click into the first editor is painted in it; Lattice runs: ${l.map((r) => Math.round(r.interactive)).join(', ')} ms${retried ? `; ${retried} run(s) needed more than one click` : ''}`),
    row('open-visible', '… first editor painted visible', 'ms', m(f, (r) => r.visible), m(l, (r) => r.visible), '', null, 'median; the first cell\'s .cm-content in the viewport'),
    row('open-lcp', '… largest contentful paint', 'ms', m(f, (r) => r.lcp), m(l, (r) => r.lcp), '', null, 'median; the last LCP entry before the click'),
    row('open-long-tasks', '… long tasks until interactive (total)', 'ms', m(f, (r) => r.longTaskMs), m(l, (r) => r.longTaskMs), '', null, `median; Lattice long tasks per run: ${l.map((r) => r.longTasks).join(', ')}; longest run total ${Math.round(Math.max(...l.map((r) => r.longTaskMs)))} ms`),
  ];
  for (const where of ['first', 'middle'] as const) {
    const lt = run.typing.lattice[where];
    const ft = run.typing.floor[where];
    const label = where === 'first' ? 'typing in the first cell' : `typing in cell ${middle + 1} of ${notebook.cells.length}`;
    const keys = `${lt.latencies.length} keys, keydown → after the next paint`;
    for (const [stat, p] of [['p50', 50], ['p95', 95]] as const) {
      const value = percentile(lt.latencies, p);
      rows.push(row(`typing-${where}-${stat}`, `${label}, ${stat}`, 'ms', percentile(ft.latencies, p), value, `< ${KEY_TARGET_MS} ms`, value < KEY_TARGET_MS, stat === 'p50' ? keys : ''));
    }
    rows.push(row(`typing-${where}-max`, `${label}, max`, 'ms', Math.max(...ft.latencies), Math.max(...lt.latencies), '', null, ''));
    rows.push(row(`typing-${where}-event-timing`, `${label}: Event Timing entries ≥ 16 ms`, 'entries', ft.slowEvents, lt.slowEvents, '', null,
      `keydown/keypress/input; longest: Lattice ${lt.maxEventMs ?? '—'} ms, floor ${ft.maxEventMs ?? '—'} ms`));
  }
  return rows;
}

let run: TRun;
try {
  log(`notebook: ${notebook.cells.length} cells (${notebook.cells.filter((c) => c.cell_type === 'code').length} code, ${notebook.cells.filter((c) => c.cell_type === 'markdown').length} Markdown), ${Math.round(JSON.stringify(notebook).length / 1024)} KB; middle code cell ${middle}`);
  testPlatform = await startTestPlatform({ admin: ADMIN, dataDirPrefix: 'lattice-bench-nb-', browser: true });
  run = await measure(testPlatform.browser!, testPlatform.platform.webUrl);
} finally {
  await cleanUp();
}

const rows = rowsOf(run);
const seconds = (performance.now() - began) / 1000;
const columns = { floorLabel: 'plain CodeMirror (floor)', gatewayLabel: 'Lattice' };
const table = formatTable(rows, columns);
console.log(`\n${table}\n`);
if (run.pageErrors.length) console.log(`page errors: ${run.pageErrors.join(' | ')}`);
const full = reps === DEFAULT_REPS;
machine.load.end = os.loadavg()[0];
const file = path.join(import.meta.dirname, 'results', full ? 'notebook-editor.json' : 'notebook-editor-partial.json');
await mkdir(path.dirname(file), { recursive: true });
await writeFile(file, `${JSON.stringify({ machine, chromium: run.browserVersion, reps, notebook: { cells: notebook.cells.length, middle }, seconds: Math.round(seconds), rows, samples: { open: run.open, typing: run.typing }, pageErrors: run.pageErrors }, rounded, 2)}\n`);
if (full) {
  const header = `${describeRun(machine, false, seconds)}  \nChromium ${run.browserVersion} (Debian, headless), viewport ${VIEWPORT.width}×${VIEWPORT.height}; ${reps} opens per side after one warm-up, alternating.`;
  await replaceReadmeSection('<!-- notebook-editor:start -->', '<!-- notebook-editor:end -->', `${header}\n\n${table}\n\n${targetsVerdict(rows)}`);
}
log(`results in ${path.relative(process.cwd(), file)}${full ? ' and bench/README.md' : ''}`);
process.exit(0);
