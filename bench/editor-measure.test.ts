/**
 * The measuring machinery of `bench:notebook` against its own floor page in Debian's
 * Chromium: the probe bundle, the bare CodeMirror page and its server, open and typing.
 * What is asserted is that each figure is taken and consistent, never how fast it is.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { chromium, type Browser } from 'playwright-core';
import { bundleForBrowser } from './browser-bundle';
import type { TProbeConfig, TProbeKey } from './browser/probe-state';
import { firstCell, installProbe, measureOpen, measureTyping, TYPED_TEXT } from './editor-measure';
import { startFloorEditorServer, type TFloorEditorServer } from './floor-editor-server';

const DOC = 'import numpy as np\na = np.random.uniform(size=(100, 100))\n</script><b>not markup</b>';
const FLOOR: TProbeConfig = { firstScope: 'body' };
let browser: Browser;
let server: TFloorEditorServer;
let probe: string;

before(async () => {
  [server, probe] = await Promise.all([startFloorEditorServer({ cell: DOC }), bundleForBrowser('page-probe')]);
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
});

after(async () => {
  await browser?.close();
  await server?.close();
});

test('open: the floor page shows its document, becomes interactive after it is visible, and the proving key is deleted again', { timeout: 120_000 }, async () => {
  const page = await browser.newPage();
  await installProbe(page, probe, FLOOR);
  const open = await measureOpen(page, server.pageUrl('cell'), FLOOR);
  assert.equal(open.attempts, 1);
  assert.ok(open.visible > 0 && open.interactive > open.visible, JSON.stringify(open));
  assert.ok(open.lcp === null || open.lcp > 0);
  assert.ok(open.longTaskMs >= 0 && open.longTasks >= 0);
  const text = await page.evaluate(() => document.querySelector('.cm-content')?.textContent);
  assert.equal(text, DOC.replaceAll('\n', ''), 'the document is the given text, markup and all, without the typed key');
  await page.close();
});

test('typing: one latency per key, the text ends up in the editor, keys that reach no editor are recorded as missed', { timeout: 300_000 }, async () => {
  const page = await browser.newPage();
  await installProbe(page, probe, FLOOR);
  await measureOpen(page, server.pageUrl('cell'), FLOOR);
  const typing = await measureTyping(page, firstCell(page, FLOOR));
  assert.equal(typing.latencies.length, TYPED_TEXT.length);
  assert.ok(typing.latencies.every((ms) => ms > 0));
  assert.ok(typing.slowEvents >= 0 && (typing.maxEventMs === null || typing.maxEventMs >= 16));
  const lines = await page.locator('.cm-line').allTextContents();
  assert.deepEqual(lines.slice(-4), TYPED_TEXT.split('\n').slice(1));

  await page.locator('.cm-content').blur();
  const count = (await page.evaluate('window.__benchProbe.keys.length')) as number;
  await page.keyboard.type('z');
  const key = (await page.evaluate(`window.__benchProbe.untilKeys(${count + 1})`)) as TProbeKey;
  assert.equal(key.key, 'z');
  assert.equal(key.changed, false);
  await page.close();
});

test('typing finds an editor that mounts only once its cell is scrolled near, as in a virtualized notebook', { timeout: 300_000 }, async () => {
  // 60 tall cells; the 31st gets its editor (the floor's, loaded then) only when it enters the viewport.
  const lazyUrl = `${new URL(server.pageUrl('cell')).origin}/lazy-notebook`;
  const html = `<!doctype html><body>${'<div data-testid="cell" style="height:400px"></div>'.repeat(60)}<script>
    const cell = document.querySelectorAll('[data-testid=cell]')[30];
    new IntersectionObserver((entries, observer) => {
      if (!entries.some((e) => e.isIntersecting)) return;
      observer.disconnect();
      cell.innerHTML = '<div id="editor"></div><script type="application/json" id="doc">"x = 1"<\\/script>';
      document.body.append(Object.assign(document.createElement('script'), { src: '/floor-editor.js' }));
    }).observe(cell);
  </script></body>`;
  const page = await browser.newPage();
  await page.route(lazyUrl, (route) => route.fulfill({ contentType: 'text/html', body: html }));
  await installProbe(page, probe, { firstScope: '[data-testid=cell]' });
  await page.goto(lazyUrl);
  const cell = page.locator('[data-testid=cell]').nth(30);
  assert.equal(await cell.locator('.cm-content').count(), 0);
  const typing = await measureTyping(page, cell);
  assert.equal(typing.latencies.length, TYPED_TEXT.length);
  await page.close();
});

test('the floor server answers an unknown page with a JSON error naming the pages it has', async () => {
  const res = await fetch(server.pageUrl('nope'));
  assert.equal(res.status, 404);
  assert.deepEqual(await res.json(), { code: 'NOT_FOUND', message: 'No floor page "nope"; there are: cell.' });
});
