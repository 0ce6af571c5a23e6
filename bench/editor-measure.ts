/**
 * The two measurements of `bench:notebook`, the same for the Lattice notebook page and the
 * bare CodeMirror page: open (navigation start → first editor painted visible → a click into
 * it and one typed key painted in it) and typing (per key, keydown → after the next paint).
 * The in-page probe (browser/page-probe.ts) takes every time; this side only drives real
 * input through Playwright and reads the probe back.
 */
import { setTimeout } from 'node:timers/promises';
import type { Locator, Page } from 'playwright-core';
import type { TProbeConfig, TProbeKey, TProbeState } from './browser/probe-state';
import { seededRandom } from './seeded-random';

/** Typed into the first editor to prove it interactive. Unbound in JupyterLab's command mode, so a key that misses the editor changes nothing. */
const OPEN_KEY = 'q';

/**
 * ~200 characters of Python, typed at the end of a cell. No line ends inside brackets or after
 * a colon, so the editor's auto-indent and bracket closing leave exactly this text behind.
 */
export const TYPED_TEXT =
  '\nrevenue = sum(row["monthly"] * row["tenure"] for row in rows)' +
  '\nchurned = [row for row in rows if row["churned"]]' +
  '\nrate = len(churned) / max(len(rows), 1)' +
  '\nprint(f"churn {rate:.1%} of {len(rows)} customers")';

export interface TOpenResult {
  /** Navigation start → the first editor painted visible (ms). */
  visible: number;
  /** Navigation start → the key typed after a click into that editor painted in it (ms). */
  interactive: number;
  lcp: number | null;
  /** Long tasks that began before `interactive`: their summed duration (ms) and number. */
  longTaskMs: number;
  longTasks: number;
  /** Click + key attempts until one reached the editor (1 when the first did). */
  attempts: number;
}

export interface TTypingResult {
  /** Per key: keydown `timeStamp` → just after the next paint (ms). */
  latencies: number[];
  /** Event Timing entries (≥ 16 ms) of keydown/keypress/input while typing: how many and the longest. */
  slowEvents: number;
  maxEventMs: number | null;
}

const probe = (page: Page) => page.evaluate('window.__benchProbe') as Promise<Omit<TProbeState, 'untilKeys'>>;
const untilKeys = (page: Page, count: number) => page.evaluate(`window.__benchProbe.untilKeys(${count})`) as Promise<TProbeKey>;
const keyCount = (page: Page) => page.evaluate('window.__benchProbe.keys.length') as Promise<number>;

/** Installs the probe for every document `page` loads from now on. */
export async function installProbe(page: Page, probeBundle: string, config: TProbeConfig): Promise<void> {
  await page.addInitScript({ content: `window.__benchProbeConfig = ${JSON.stringify(config)};\n${probeBundle}` });
}

/** The first cell, as the probe finds it (its `.cm-content` is the first editor). */
export const firstCell = (page: Page, config: TProbeConfig) => page.locator(config.firstScope).first();

/** 60 Hz: Chromium paints at most this often. */
const FRAME_MS = 1000 / 60;
/** The pauses between keys are the same on every run and on both sides. */
const TYPING_SEED = 204;

/**
 * Opens `url` in `page` (probe installed) and measures until the first editor takes a key.
 * A key typed before the page could take it is recorded by the probe as missed; then the
 * click and key are tried again, up to `maxAttempts` times. The key is deleted afterwards.
 */
export async function measureOpen(page: Page, url: string, config: TProbeConfig, maxAttempts = 10): Promise<TOpenResult> {
  await page.goto(url, { waitUntil: 'commit' });
  await page.waitForFunction('window.__benchProbe?.firstEditorVisibleAt != null', undefined, { polling: 'raf', timeout: 120_000 });
  const editor = firstCell(page, config).locator('.cm-content');
  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    await editor.click();
    const before = await keyCount(page);
    await page.keyboard.type(OPEN_KEY);
    const key = await untilKeys(page, before + 1);
    if (!key.changed || !key.inFirstEditor) continue;
    const interactive = key.at + key.latency;
    await page.keyboard.press('Backspace');
    await untilKeys(page, before + 2);
    const state = await probe(page);
    const during = state.longTasks.filter((t) => t.start < interactive);
    return {
      visible: state.firstEditorVisibleAt!,
      interactive,
      lcp: state.lcp,
      longTaskMs: during.reduce((sum, t) => sum + t.duration, 0),
      longTasks: during.length,
      attempts: attempt,
    };
  }
  throw new Error(`${url}: ${maxAttempts} clicks into the first editor each followed by "${OPEN_KEY}", and the key never showed in it`);
}

/**
 * Scrolls `cell` into view (a virtualized page may mount its editor only then), clicks into
 * its editor, moves to the end of the text and types `text` one key at a time: each key once
 * the previous one has been painted (a typist's pace, not a queue of keys) and after a pause
 * of up to one frame, seeded, so that keys arrive anywhere in the frame as a person's do
 * instead of always just after a paint, where each would wait almost a whole frame.
 */
export async function measureTyping(page: Page, cell: Locator, text = TYPED_TEXT): Promise<TTypingResult> {
  const editor = cell.locator('.cm-content');
  await cell.scrollIntoViewIfNeeded({ timeout: 60_000 });
  await editor.waitFor({ state: 'visible', timeout: 60_000 });
  await editor.click();
  const before = await keyCount(page);
  await page.keyboard.press('Control+End');
  // Two keydowns (Control, End), both recorded before typing starts.
  await untilKeys(page, before + 2);
  const first = before + 3;
  const random = seededRandom(TYPING_SEED);
  for (const [i, ch] of [...text].entries()) {
    await setTimeout(random() * FRAME_MS);
    await page.keyboard.type(ch);
    await untilKeys(page, first + i);
  }
  const state = await probe(page);
  const keys = state.keys.slice(first - 1);
  // Per key the text need not change (a closing bracket steps over the one the editor inserted), so the whole text is checked at the end.
  const typedLines = text.split('\n').filter(Boolean);
  const lines = (await editor.locator('.cm-line').allTextContents()).slice(-typedLines.length);
  if (lines.join('\n') !== typedLines.join('\n')) throw new Error(`the editor's last lines are not the typed text; focus left it while typing? They are:\n${lines.join('\n')}`);
  const events = state.events.filter((e) => e.start >= keys[0].at);
  return {
    latencies: keys.map((k) => k.latency),
    slowEvents: events.length,
    maxEventMs: events.length ? Math.max(...events.map((e) => e.duration)) : null,
  };
}
