/**
 * End to end in Chromium with a real ipykernel: ipywidgets 8 in the notebook. Each widget
 * renders in its own sandboxed frame (no access to the app), talks to the kernel through the
 * page's widget bridge, and is saved in the notebook's metadata so it still shows without the
 * kernel that made it. Covers a slider, `interact`, the Output widget capturing `with out:`,
 * `jslink`, tqdm's notebook progress bar, and the saved state; saves the README's widget
 * screenshot (docs/screenshots/widget.png).
 */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import type { FrameLocator, Page } from 'playwright-core';
import type { TCell } from '../../common/nbformat/schema';
import { createNotebook, startNotebookSuite, type TNotebookSuite } from '../helpers/notebook-pages';

const ROOT = path.resolve(import.meta.dirname, '../..');
const SCREENSHOT = path.join(ROOT, 'docs/screenshots/widget.png');
const ADMIN = { email: 'admin@widgets.test', password: 'e2e-widgets-admin-password' };
const STATE_MIME = 'application/vnd.jupyter.widget-state+json';

let suite: TNotebookSuite;

before(async () => {
  suite = await startNotebookSuite({ admin: ADMIN, dataDirPrefix: 'lattice-e2e-widgets-', project: 'Widgets' });
});

after(async () => {
  await suite?.close();
});

let idCounter = 0;
const code = (source: string): TCell => ({ id: `w${String(++idCounter).padStart(7, '0')}`, cell_type: 'code', metadata: {}, source, outputs: [], execution_count: null });

/** Page errors, and any request (the frames' included) that leaves Lattice: widget code never comes from a CDN. */
function watch(page: Page, errors: string[]): void {
  const lattice = new Set([new URL(suite.platform.webUrl).host, new URL(suite.platform.gatewayUrl).host]);
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('request', (r) => {
    const url = new URL(r.url());
    if (!['data:', 'blob:', 'about:'].includes(url.protocol) && !lattice.has(url.host)) errors.push(`request outside Lattice: ${r.url()}`);
  });
}

/** A new notebook holding `cells`, opened in a new page (its kernel starts on the first run), with page errors and outside requests collected. */
async function openNotebook(name: string, cells: TCell[]): Promise<{ page: Page; errors: string[]; url: string; api: string }> {
  const page = await suite.context.newPage();
  const errors: string[] = [];
  watch(page, errors);
  const { url, api } = await createNotebook(suite, page, name, cells);
  await page.goto(url);
  await page.locator('[data-testid=cell][data-active]').waitFor();
  return { page, errors, url, api };
}

const cell = (page: Page, i: number) => page.locator('[data-testid=cell]').nth(i);
const frameOf = (page: Page, i: number, n = 0) => cell(page, i).locator('iframe[data-testid=output-frame]').nth(n);
const widget = (page: Page, i: number, n = 0): FrameLocator => frameOf(page, i, n).contentFrame();

/** Runs cell `i` (Shift+Enter in its editor) and waits until the kernel is idle again. */
async function run(page: Page, i: number): Promise<void> {
  await cell(page, i).locator('.cm-content').click();
  await page.keyboard.press('Shift+Enter');
  await cell(page, i).locator('[data-testid=cell-prompt]', { hasText: /\[\d+\]/ }).waitFor({ timeout: 120_000 });
  await page.locator('[data-testid=kernel-status][data-status=idle]').waitFor({ timeout: 60_000 });
}

/** Moves a slider inside its frame with the keyboard, as a user would. */
async function nudge(slider: FrameLocator, key: 'ArrowRight' | 'ArrowLeft', times: number): Promise<void> {
  const handle = slider.locator('.noUi-handle').first();
  await handle.focus();
  for (let k = 0; k < times; k++) await handle.press(key);
}

const readout = (w: FrameLocator, n = 0) => w.locator('.widget-readout').nth(n);
const outputsOf = (page: Page, i: number) => cell(page, i).locator('[data-testid=cell-outputs]');

/** Waits until the stored notebook's widget state has an IntSlider at `value` (the bridge hands its state over a second after the last change; autosave or Ctrl+S stores it). */
async function savedSliderState(page: Page, api: string, value: number): Promise<{ version_major: number; state: Record<string, { model_name: string; state: Record<string, unknown> }> }> {
  await page.locator('h1').click();
  const deadline = Date.now() + 30_000;
  for (;;) {
    const saved = (await (await page.request.get(api)).json()).content.metadata.widgets?.[STATE_MIME];
    const models = Object.values(saved?.state ?? {}) as { model_name: string; state: { value?: number } }[];
    if (models.some((m) => m.model_name === 'IntSliderModel' && m.state.value === value)) return saved;
    assert.ok(Date.now() < deadline, `no saved slider at ${value}: ${JSON.stringify(models.map((m) => m.state.value))}`);
    await page.keyboard.press('Control+s');
    await page.waitForTimeout(1_000);
  }
}

test('a slider renders in a sandboxed frame that cannot reach the app; interact prints the new value into its output', { timeout: 300_000 }, async () => {
  const { page, errors } = await openNotebook('Sliders', [
    code('import ipywidgets as widgets\nwidgets.IntSlider(value=7, description="Seven")'),
    code('from ipywidgets import interact\n\ndef f(x):\n    print(f"x is {x}")\n\ninteract(f, x=10);'),
  ]);

  await run(page, 0);
  const slider = widget(page, 0);
  await slider.locator('.widget-slider').waitFor({ timeout: 30_000 });
  assert.equal(await frameOf(page, 0).getAttribute('sandbox'), 'allow-scripts');
  assert.equal(await cell(page, 0).locator('[data-testid=widget-view]').getAttribute('data-live'), 'true');
  assert.equal(await readout(slider).textContent(), '7');
  assert.equal(await slider.locator('.widget-label').first().textContent(), 'Seven');
  assert.equal(await outputsOf(page, 0).getByText('IntSlider(value=7').count(), 0, 'the widget, not its text, is shown');

  // The frame's origin is opaque: no cookies, no parent document, no calls to the app's API.
  const frame = (await frameOf(page, 0).elementHandle())!.contentFrame();
  // A string, not a function: the test runner's compiler would add helpers the frame does not have.
  const reach = (await (await frame)!.evaluate(`(async () => {
    const attempt = async (f) => {
      try {
        return 'ok:' + String(await f());
      } catch (e) {
        return 'threw:' + e.name;
      }
    };
    return {
      origin: window.origin,
      cookie: await attempt(() => document.cookie),
      parent: await attempt(() => window.parent.document.title),
      api: await attempt(() => fetch('/api/projects', { credentials: 'include' }).then((r) => r.status)),
    };
  })()`)) as { origin: string; cookie: string; parent: string; api: string };
  assert.equal(reach.origin, 'null');
  assert.ok(reach.cookie === 'ok:' || reach.cookie.startsWith('threw:'), `cookie: ${reach.cookie}`);
  assert.match(reach.parent, /^threw:SecurityError/);
  assert.match(reach.api, /^threw:/, `the frame called the app's API: ${reach.api}`);

  // interact: the print lands in interact's Output widget, not in the cell.
  await run(page, 1);
  const interactive = widget(page, 1);
  await interactive.getByText('x is 10').waitFor({ timeout: 30_000 });
  assert.equal(await cell(page, 1).locator('[data-output-type=stream]').count(), 0, 'the print is captured by the widget');
  await nudge(interactive, 'ArrowRight', 1);
  await interactive.getByText('x is 11').waitFor({ timeout: 30_000 });
  assert.equal(await interactive.getByText('x is 10').count(), 0, 'clear_output(wait=True) replaced the old value');
  assert.equal(await readout(interactive).textContent(), '11');

  mkdirSync(path.dirname(SCREENSHOT), { recursive: true });
  await page.locator('[data-testid=notebook-cells]').screenshot({ path: SCREENSHOT });
  assert.deepEqual(errors, []);
  await page.close();
});

test('the Output widget captures `with out:` prints; jslink moves one slider with the other; tqdm shows a progress bar; a third-party widget says it is not available', { timeout: 300_000 }, async () => {
  const { page, errors } = await openNotebook('Output and links', [
    code('import ipywidgets as widgets\nout = widgets.Output()\ndisplay(out)\nwith out:\n    print("captured")\nprint("outside")'),
    code('a = widgets.IntSlider(value=1, description="a")\nb = widgets.IntSlider(value=1, description="b")\nwidgets.jslink((a, "value"), (b, "value"))\ndisplay(a, b)'),
    code('print("b in the kernel:", b.value)'),
    code('from tqdm.auto import tqdm\nfor i in tqdm(range(50)):\n    pass'),
    code(
      [
        'from traitlets import Unicode',
        'class Fancy(widgets.DOMWidget):',
        '    _model_name = Unicode("FancyModel").tag(sync=True)',
        '    _model_module = Unicode("fancy-widgets").tag(sync=True)',
        '    _model_module_version = Unicode("1.0.0").tag(sync=True)',
        '    _view_name = Unicode("FancyView").tag(sync=True)',
        '    _view_module = Unicode("fancy-widgets").tag(sync=True)',
        '    _view_module_version = Unicode("1.0.0").tag(sync=True)',
        'display(Fancy())',
        'display(widgets.HBox([Fancy(), widgets.IntSlider(value=3)]))',
      ].join('\n'),
    ),
  ]);

  await run(page, 0);
  await widget(page, 0).getByText('captured').waitFor({ timeout: 30_000 });
  const streams = cell(page, 0).locator('[data-output-type=stream]');
  assert.equal(await streams.count(), 1);
  assert.equal((await streams.textContent())?.trim(), 'outside', '"captured" went to the widget only');

  await run(page, 1);
  const [first, second] = [widget(page, 1, 0), widget(page, 1, 1)];
  await second.locator('.widget-slider').waitFor({ timeout: 30_000 });
  await nudge(first, 'ArrowRight', 3);
  await first.locator('.widget-readout', { hasText: '4' }).waitFor({ timeout: 30_000 });
  await second.locator('.widget-readout', { hasText: '4' }).waitFor({ timeout: 30_000 });
  await run(page, 2);
  assert.match((await cell(page, 2).locator('[data-output-type=stream]').textContent()) ?? '', /b in the kernel: 4/);

  await run(page, 3);
  const bar = widget(page, 3);
  await bar.locator('.widget-hprogress, .progress').first().waitFor({ timeout: 30_000 });
  await bar.getByText(/50\/50/).waitFor({ timeout: 30_000 });

  // Widget code comes only from Lattice: a library it does not carry is named, not fetched.
  await run(page, 4);
  const notAvailable = /The widget library fancy-widgets 1\.0\.0 is not available here/;
  await widget(page, 4, 0).getByText(notAvailable).waitFor({ timeout: 30_000 });
  await widget(page, 4, 1).getByText(notAvailable).waitFor({ timeout: 30_000 });
  assert.equal(await readout(widget(page, 4, 1)).textContent(), '3', 'the built-in widgets beside it still render');
  assert.deepEqual(errors, []);
  await page.close();
});

test('widget state is saved in the notebook, live again after a reload, and shown without the kernel that made it', { timeout: 300_000 }, async () => {
  const { page, url, api, errors } = await openNotebook('Saved widgets', [
    code('import ipywidgets as widgets\ns = widgets.IntSlider(value=5, description="Saved")\ns'),
    code('print("value:", s.value)'),
  ]);
  await run(page, 0);
  await nudge(widget(page, 0), 'ArrowRight', 3);
  await readout(widget(page, 0)).filter({ hasText: '8' }).waitFor({ timeout: 30_000 });
  const saved = await savedSliderState(page, api, 8);
  assert.equal(saved.version_major, 2);
  assert.ok(Object.values(saved.state).some((m) => m.model_name === 'LayoutModel'), 'the slider’s layout model is saved with it');

  // Reloaded while the kernel runs: the kernel's widgets are asked for again and are live.
  await page.reload();
  await cell(page, 0).locator('[data-testid=widget-view][data-live=true]').waitFor({ timeout: 60_000 });
  await readout(widget(page, 0)).filter({ hasText: '8' }).waitFor({ timeout: 30_000 });
  await nudge(widget(page, 0), 'ArrowRight', 1);
  await readout(widget(page, 0)).filter({ hasText: '9' }).waitFor({ timeout: 30_000 });
  await run(page, 1);
  await outputsOf(page, 1).getByText('value: 9').waitFor({ timeout: 30_000 });
  await savedSliderState(page, api, 9);
  await page.close();

  // Stop the kernel (as the dashboard would), then open the notebook again.
  const token = (await (await suite.context.request.get(`${suite.platform.webUrl}/api/gateway-token`)).json()).token as string;
  const headers = { Authorization: `token ${token}` };
  const kernels = (await (await suite.context.request.get(`${suite.platform.gatewayUrl}/api/kernels?project=${suite.projectId}`, { headers })).json()) as { id: string }[];
  for (const k of kernels) assert.ok((await suite.context.request.delete(`${suite.platform.gatewayUrl}/api/kernels/${k.id}`, { headers })).ok());

  const again = await suite.context.newPage();
  watch(again, errors);
  await again.goto(url);
  const restored = widget(again, 0);
  await restored.locator('.widget-slider').waitFor({ timeout: 60_000 });
  assert.equal(await readout(restored).textContent(), '9', 'the saved value, not the one the cell would make');
  assert.equal(await cell(again, 0).locator('[data-testid=widget-view]').getAttribute('data-live'), 'false', 'shown from the saved state: no kernel has this widget');
  assert.equal(await restored.locator('.widget-label').first().textContent(), 'Saved');
  assert.equal(await outputsOf(again, 0).getByText('IntSlider(value=').count(), 0);
  assert.deepEqual(errors, []);
  await again.close();
});
