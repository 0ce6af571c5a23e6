/**
 * Completion and inspection from a real ipykernel behind a real gateway, asked the way the
 * notebook page asks: `kernelHelp` over an `@jupyterlab/services` kernel connection (Node's
 * `ws` as its WebSocket). Then the cell-editor extensions in Chromium, on a CodeMirror editor
 * whose TKernelHelp is that same connection (bridged with playwright's exposeFunction).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { build } from 'esbuild';
import { chromium, type Browser, type Page } from 'playwright-core';
import { KernelManager, type Kernel } from '@jupyterlab/services';
import { kernelHelp, type TKernelHelp } from '../../components/notebook/kernel-help';
import { createTestDatabase, type TTestDatabase } from '../helpers/postgres';
import { createUserWithToken, startTestGateway, type TTestGateway } from '../helpers/gateway';
import { jupyterServerSettings } from '../helpers/jupyter-client';
import { until } from '../helpers/kernels';

const ROOT = path.resolve(import.meta.dirname, '../..');

let t: TTestDatabase;
let gw: TTestGateway;
let manager: KernelManager;
let kernel: Kernel.IKernelConnection;
let help: TKernelHelp;

before(async () => {
  t = await createTestDatabase();
  gw = await startTestGateway({ db: t.db });
  const { token } = await createUserWithToken(t.db);
  const serverSettings = jupyterServerSettings(gw, token);
  manager = new KernelManager({ serverSettings });
  await manager.ready;
  kernel = await manager.startNew({ name: 'python3' });
  await kernel.info;
  await until('the kernel to be idle', () => kernel.status === 'idle');
  help = kernelHelp(() => kernel);
});

after(async () => {
  await kernel?.shutdown().catch(() => undefined);
  manager?.dispose();
  await gw?.close();
  await t?.drop();
});

const live = () => new AbortController().signal;

describe('kernelHelp against ipykernel', () => {
  test('import o: os is offered as a module, replacing the o', async () => {
    const c = await help.complete('import o', 8, live());
    assert.ok(c, 'the kernel answered');
    assert.deepEqual([c.from, c.to], [7, 8]);
    assert.deepEqual(c.items.find((i) => i.label === 'os'), { label: 'os', kind: 'module' });
  });

  test('an emoji before the cursor: from/to are still UTF-16 offsets', async () => {
    const code = 's = "😀"; import o';
    const c = await help.complete(code, code.length, live());
    assert.ok(c);
    assert.deepEqual([c.from, c.to], [code.length - 1, code.length]);
    assert.ok(c.items.some((i) => i.label === 'os'));
    // The cursor in the middle, right after the emoji's string: the kernel completes at the right place.
    const mid = 'import os; x = "😀"; os.getcw';
    const m = await help.complete(mid, mid.length, live());
    assert.ok(m);
    assert.equal(mid.slice(m.from, m.to), 'getcw');
    assert.ok(m.items.some((i) => i.label === 'getcwd' && i.kind === 'function'));
  });

  test("print: the inspect text holds its signature and docstring", async () => {
    const i = await help.inspect('print', 5, live());
    assert.ok(i);
    assert.match(i.text, /print\(\*args/);
    assert.match(i.text, /Prints the values to a stream/);
    assert.equal(await help.inspect('zzz_not_defined', 15, live()), null);
  });

  test('an aborted request gives null, before or during the request', async () => {
    const before = new AbortController();
    before.abort();
    assert.equal(await help.complete('import o', 8, before.signal), null);
    const during = new AbortController();
    const pending = help.inspect('print', 5, during.signal);
    during.abort();
    assert.equal(await pending, null);
  });

  test('a kernel running a cell is not asked: null at once, while the cell still runs', async () => {
    let finished = false;
    const future = kernel.requestExecute({ code: 'import time; time.sleep(3)' });
    const done = future.done.then(() => (finished = true));
    // Sent, but the kernel has not said busy yet: the completion would queue behind the cell.
    assert.equal(kernel.status, 'idle');
    assert.equal(await help.complete('import o', 8, live()), null);
    await until('the kernel to be busy', () => kernel.status === 'busy');
    assert.equal(await help.complete('import o', 8, live()), null);
    assert.equal(await help.inspect('print', 5, live()), null);
    assert.equal(finished, false, 'help answered before the running cell ended');
    await done;
    await until('the kernel to be idle again', () => kernel.status === 'idle');
    assert.ok(await help.complete('import o', 8, live()));
  });

  test('a kernel busy only answering another completion is asked', async () => {
    let second: Promise<unknown> | null = null;
    const onStatus = (_k: unknown, status: string) => {
      if (status === 'busy' && !second) second = help.complete('import o', 8, live());
    };
    kernel.statusChanged.connect(onStatus);
    try {
      assert.ok(await help.inspect('print', 5, live()));
      await until('the second request to go out', () => second !== null);
      assert.ok(await second, 'answered although the kernel said busy when it was asked');
    } finally {
      kernel.statusChanged.disconnect(onStatus);
    }
  });

  test('no kernel: null', async () => {
    const none = kernelHelp(() => null);
    assert.equal(await none.complete('import o', 8, live()), null);
    assert.equal(await none.inspect('print', 5, live()), null);
  });
});

/** A page with one CodeMirror cell editor as the notebook builds it, plus the extensions under test. */
async function editorBundle(): Promise<string> {
  const result = await build({
    stdin: {
      resolveDir: ROOT,
      sourcefile: 'kernel-help-page.ts',
      loader: 'ts',
      contents: `
        import { completionStatus } from '@codemirror/autocomplete';
        import { EditorState } from '@codemirror/state';
        import { EditorView, keymap } from '@codemirror/view';
        import { indentWithTab } from '@codemirror/commands';
        import { indentUnit } from '@codemirror/language';
        import { python } from '@codemirror/lang-python';
        import { minimalSetup } from 'codemirror';
        import { kernelCompletion } from './components/notebook/kernel-completion';
        import { inspectTooltip } from './components/notebook/inspect-tooltip';
        const w = window as any;
        // The page's TKernelHelp is the test's real kernel connection; an abort drops a late answer here.
        const help = {
          complete: async (code: string, cursor: number, signal: AbortSignal) => {
            const r = await w.kernelComplete(code, cursor);
            w.answered.push({ code, aborted: signal.aborted });
            return signal.aborted ? null : r;
          },
          inspect: async (code: string, cursor: number, signal: AbortSignal) => { const r = await w.kernelInspect(code, cursor); return signal.aborted ? null : r; },
        };
        w.completionStatus = () => completionStatus(w.view.state);
        w.escapesSeen = [];
        w.answered = [];
        window.addEventListener('keydown', (e) => { if (e.key === 'Escape') w.escapesSeen.push(e.defaultPrevented); });
        w.view = new EditorView({
          parent: document.getElementById('cell')!,
          state: EditorState.create({
            doc: '',
            // indentWithTab as today's editor has it, and ahead of the extensions: their keys must win by precedence.
            extensions: [keymap.of([indentWithTab]), kernelCompletion(() => help), inspectTooltip(() => help), minimalSetup, indentUnit.of('    '), EditorState.tabSize.of(4), python()],
          }),
        });
        w.view.focus();
      `,
    },
    bundle: true,
    write: false,
    format: 'iife',
    target: 'chrome120',
    platform: 'browser',
    logLevel: 'silent',
  });
  return result.outputFiles[0].text;
}

describe('the cell editor extensions in Chromium', () => {
  /** While pending, the page's completion requests wait here before they reach the kernel. */
  let held: Promise<void> = Promise.resolve();
  /** The code of every completion request the page made. */
  const asked: string[] = [];
  let browser: Browser;
  let page: Page;
  const doc = () => page.evaluate(() => (window as any).view.state.doc.toString() as string);
  const setDoc = (text: string) =>
    page.evaluate((text) => {
      const v = (window as any).view;
      v.dispatch({ changes: { from: 0, to: v.state.doc.length, insert: text }, selection: { anchor: text.length } });
      v.focus();
    }, text);

  before(async () => {
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
    page = await browser.newPage();
    await page.exposeFunction('kernelComplete', async (code: string, cursor: number) => {
      asked.push(code);
      await held;
      return help.complete(code, cursor, live());
    });
    await page.exposeFunction('kernelInspect', (code: string, cursor: number) => help.inspect(code, cursor, live()));
    await page.setContent('<!doctype html><html><body><div id="cell" style="width: 600px"></div></body></html>');
    await page.addScriptTag({ content: await editorBundle() });
  });

  after(async () => {
    await browser?.close();
  });

  test('Tab after "import o" lists os as a module; Enter takes it', async () => {
    await page.keyboard.type('import o');
    await page.keyboard.press('Tab');
    const os = page.locator('.cm-tooltip-autocomplete li[role=option]', { has: page.locator('.cm-completionLabel', { hasText: /^os$/ }) });
    await os.waitFor();
    assert.equal(await os.locator('.cm-completionIcon-module').count(), 1, 'the icon carries the kernel kind');
    assert.equal(await os.locator('.cm-completionIcon-namespace').count(), 1, "and CodeMirror's icon for it");
    assert.equal(await os.locator('.cm-completionDetail').textContent(), 'module');
    await page.keyboard.type('s');
    await page.locator('.cm-tooltip-autocomplete li[role=option][aria-selected=true]', { hasText: 'os' }).waitFor();
    await page.keyboard.press('Enter');
    await page.locator('.cm-tooltip-autocomplete').waitFor({ state: 'detached' });
    assert.equal(await doc(), 'import os');
  });

  test('an emoji earlier in the cell: the choice replaces exactly the name typed', async () => {
    await setDoc('x = "😀"; import os');
    await page.keyboard.press('Tab');
    await page.locator('.cm-tooltip-autocomplete li[role=option][aria-selected=true]', { has: page.locator('.cm-completionLabel', { hasText: /^os$/ }) }).waitFor();
    await page.keyboard.type('saudiodev');
    await page.keyboard.press('Tab');
    await page.locator('.cm-tooltip-autocomplete').waitFor({ state: 'detached' });
    assert.equal(await doc(), 'x = "😀"; import ossaudiodev');
  });

  test('typing on while the kernel is asked gives that request up; the list is for the text as it is now', async () => {
    let release = () => {};
    held = new Promise((resolve) => (release = resolve));
    await setDoc('import o');
    await page.evaluate(() => ((window as any).answered = []));
    asked.length = 0;
    await page.keyboard.press('Tab');
    await until('the page to ask the kernel', () => asked.length === 1);
    assert.equal(await page.evaluate(() => (window as any).completionStatus()), 'pending');
    await page.keyboard.type('s');
    release();
    // CodeMirror asks again for the explicit completion still wanted, now with the text typed.
    await page.waitForFunction(() => (window as any).answered.length === 2);
    const answered = (await page.evaluate(() => (window as any).answered)) as { code: string; aborted: boolean }[];
    assert.deepEqual(
      answered.sort((a, b) => a.code.localeCompare(b.code)),
      [
        { code: 'import o', aborted: true },
        { code: 'import os', aborted: false },
      ],
    );
    await page.locator('.cm-tooltip-autocomplete li[role=option][aria-selected=true]', { has: page.locator('.cm-completionLabel', { hasText: /^os$/ }) }).waitFor();
    await page.keyboard.press('Escape');
    await page.locator('.cm-tooltip-autocomplete').waitFor({ state: 'detached' });
    assert.equal(await doc(), 'import os');
  });

  test('Tab at the start of a line, after a space, or over a selection indents the line by 4 spaces', async () => {
    await setDoc('x = 1\n');
    await page.keyboard.press('Tab');
    assert.equal(await doc(), 'x = 1\n    ');
    await page.keyboard.type('y = ');
    await page.keyboard.press('Tab');
    assert.equal(await doc(), 'x = 1\n        y = ');
    await setDoc('a\nb');
    await page.keyboard.press('Control+a');
    await page.keyboard.press('Tab');
    assert.equal(await doc(), '    a\n    b');
    assert.equal(await page.locator('.cm-tooltip-autocomplete').count(), 0);
  });

  test('typing alone never opens the list; Ctrl+Space does', async () => {
    await setDoc('');
    await page.keyboard.type('import o');
    // With activateOnTyping a keystroke makes the status 'pending' at once (the request follows after a delay).
    assert.equal(await page.evaluate(() => (window as any).completionStatus()), null);
    assert.equal(await page.locator('.cm-tooltip-autocomplete').count(), 0);
    await page.keyboard.press('Control+Space');
    await page.locator('.cm-tooltip-autocomplete li[role=option]', { hasText: 'os' }).first().waitFor();
    await page.keyboard.press('Escape');
    await page.locator('.cm-tooltip-autocomplete').waitFor({ state: 'detached' });
  });

  test("Shift+Tab on print shows its docstring without dedenting; Escape closes it and stops there", async () => {
    await setDoc('    print');
    await page.keyboard.press('Shift+Tab');
    const tip = page.locator('.lattice-inspect-tooltip[role=tooltip]');
    await tip.waitFor();
    assert.match((await tip.textContent()) ?? '', /Prints the values to a stream/);
    assert.equal(await tip.locator('script, [onerror], [onclick]').count(), 0);
    assert.equal(await doc(), '    print');
    await page.evaluate(() => ((window as any).escapesSeen = []));
    await page.keyboard.press('Escape');
    await tip.waitFor({ state: 'detached' });
    assert.deepEqual(await page.evaluate(() => (window as any).escapesSeen), [true], 'the Escape was handled (defaultPrevented) by the tooltip');
  });

  test('the tooltip closes when the user types on or moves the cursor', async () => {
    await setDoc('print');
    const tip = page.locator('.lattice-inspect-tooltip');
    await page.keyboard.press('Shift+Tab');
    await tip.waitFor();
    await page.keyboard.type('(');
    await tip.waitFor({ state: 'detached' });
    await setDoc('print');
    await page.keyboard.press('Shift+Tab');
    await tip.waitFor();
    await page.keyboard.press('ArrowLeft');
    await tip.waitFor({ state: 'detached' });
  });
});
