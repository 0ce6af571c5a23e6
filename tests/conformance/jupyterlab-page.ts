import type { Locator, Page } from 'playwright-core';

/**
 * Driving stock JupyterLab 4 the way a person does — menus, toolbar buttons, cell editors,
 * dialogs — through its stable hooks: Lumino menu items carry the command id
 * (`data-command`), toolbar buttons too, outputs are `.jp-OutputArea-output`, and the
 * notebook toolbar's kernel indicator has `data-status`.
 */

/** Long enough for a loaded 2-core machine; every wait is for a condition, never a fixed time. */
export const UI_TIMEOUT_MS = 60_000;

/**
 * Records the title and body of every JupyterLab dialog that is ever shown, so a dialog that
 * flashed by (or was dismissed) is still seen. Each entry follows its dialog's text while it
 * is in the page (JupyterLab renders the title after inserting the dialog). A string, not a
 * function: tsx's transform can add helpers to a function's source that the page lacks.
 */
const DIALOG_RECORDER = `
  window.__latticeDialogs = [];
  const entries = new WeakMap();
  new MutationObserver(() => {
    for (const d of document.querySelectorAll('.jp-Dialog')) {
      if (!entries.has(d)) entries.set(d, window.__latticeDialogs.push('') - 1);
      const text = (sel) => (d.querySelector(sel)?.textContent ?? '').trim();
      window.__latticeDialogs[entries.get(d)] = text('.jp-Dialog-header') + ': ' + text('.jp-Dialog-body');
    }
  }).observe(document, { childList: true, subtree: true, characterData: true });
`;

export async function recordDialogs(page: Page): Promise<void> {
  await page.addInitScript(DIALOG_RECORDER);
}

/** Every dialog shown so far, as "title: body". */
export function dialogsSeen(page: Page): Promise<string[]> {
  return page.evaluate('window.__latticeDialogs');
}

/** Fails at once, naming it, when a dialog is open (it would swallow the next click). */
export async function noOpenDialog(page: Page): Promise<void> {
  const open = page.locator('.jp-Dialog');
  if (await open.count()) throw new Error(`a JupyterLab dialog is open: ${(await open.first().innerText()).replace(/\s+/g, ' ')}`);
}

/** Opens JupyterLab with its token and waits for the menu bar. */
export async function openLab(page: Page, lab: { url: string; token: string }): Promise<void> {
  await page.goto(`${lab.url}/lab?token=${lab.token}`);
  await page.locator('.lm-MenuBar-item', { hasText: 'File' }).waitFor({ timeout: UI_TIMEOUT_MS });
}

/** Menu bar → submenus (by label) → the item that runs `command`. */
export async function menu(page: Page, path: string[], command: string): Promise<void> {
  await noOpenDialog(page);
  const [top, ...submenus] = path;
  await page.locator('.lm-MenuBar-item', { hasText: top }).click();
  for (const label of submenus) {
    await page.locator('.lm-Menu-item[data-type="submenu"]', { hasText: label }).first().hover();
  }
  await page.locator(`.lm-Menu-item[data-command="${command}"]`).click();
}

/** The one open dialog whose title matches; resolves once it is visible. */
export async function dialog(page: Page, title: RegExp): Promise<Locator> {
  const d = page.locator('.jp-Dialog').filter({ has: page.locator('.jp-Dialog-header', { hasText: title }) });
  await d.waitFor({ timeout: UI_TIMEOUT_MS });
  return d;
}

export async function acceptDialog(d: Locator): Promise<void> {
  await d.locator('.jp-Dialog-button.jp-mod-accept').click();
  await d.waitFor({ state: 'detached', timeout: UI_TIMEOUT_MS });
}

/**
 * The open notebook's toolbar once it has a kernel in `status` (idle, busy, …). The indicator
 * alone is not enough: it also reads idle while the notebook has no kernel yet.
 */
export function kernelIn(page: Page, status: string): Locator {
  return page
    .locator('.jp-NotebookPanel-toolbar')
    .filter({ has: page.locator(`.jp-Notebook-ExecutionIndicator[data-status="${status}"]`) })
    .filter({ hasNot: page.locator('.jp-Toolbar-kernelName', { hasText: 'No Kernel' }) });
}

export async function kernelStatus(page: Page, status: string): Promise<void> {
  await kernelIn(page, status).waitFor({ timeout: UI_TIMEOUT_MS });
}

/**
 * Types `code` into the notebook's last cell and runs it with Shift+Enter (which also
 * appends the next empty cell). Returns that cell's output area.
 */
export async function runInLastCell(page: Page, code: string): Promise<Locator> {
  await noOpenDialog(page);
  const cells = page.locator('.jp-NotebookPanel .jp-Notebook .jp-Cell');
  const cell = cells.nth((await cells.count()) - 1);
  await cell.locator('.cm-content').click();
  await page.keyboard.type(code);
  await page.keyboard.press('Shift+Enter');
  return cell.locator('.jp-OutputArea');
}

/** Waits until an output of the area contains `text`; returns all the area's text. */
export async function outputWith(area: Locator, text: string | RegExp): Promise<string> {
  await area.locator('.jp-OutputArea-output', { hasText: text }).first().waitFor({ timeout: UI_TIMEOUT_MS });
  return (await area.locator('.jp-OutputArea-output').allInnerTexts()).join('\n');
}
