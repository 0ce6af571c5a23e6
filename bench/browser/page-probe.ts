/**
 * Runs in the measured page before any of its own scripts (bundled by bench/browser-bundle.ts
 * and installed with Playwright's addInitScript), so the observers see the whole load: long
 * tasks, largest contentful paint, Event Timing entries of key input, the moment the first
 * editor is painted visible, and for every key pressed in an editor the time from its
 * keydown's `timeStamp` to just after the next paint. All times are `performance.now()`
 * readings: navigation start is 0.
 */
import type { TProbeConfig, TProbeKey, TProbeState } from './probe-state';

declare global {
  interface Window {
    __benchProbeConfig?: TProbeConfig;
    __benchProbe?: TProbeState;
  }
}

/** Event Timing entries worth keeping: the events one keystroke in an editor is made of. */
const KEY_EVENTS = new Set(['keydown', 'keypress', 'input']);

/** Calls `f` just after the next frame is painted: a task queued from rAF runs after that frame's rendering. */
function afterNextPaint(f: () => void): void {
  requestAnimationFrame(() => setTimeout(f, 0));
}

function isVisible(el: Element): boolean {
  const box = el.getBoundingClientRect();
  return box.width > 0 && box.height > 0 && box.top < innerHeight && box.bottom > 0 && el.checkVisibility({ visibilityProperty: true, opacityProperty: true });
}

function install(config: TProbeConfig): void {
  const waiters: Array<{ count: number; resolve: (key: TProbeKey) => void }> = [];
  const state: TProbeState = {
    firstEditorVisibleAt: null,
    lcp: null,
    longTasks: [],
    events: [],
    keys: [],
    untilKeys: (count) => new Promise((resolve) => (state.keys.length >= count ? resolve(state.keys[count - 1]) : waiters.push({ count, resolve }))),
  };
  window.__benchProbe = state;
  const firstEditor = () => document.querySelector(config.firstScope)?.querySelector('.cm-content') ?? null;

  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) state.longTasks.push({ start: e.startTime, duration: e.duration });
  }).observe({ type: 'longtask', buffered: true });
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) state.lcp = e.startTime;
  }).observe({ type: 'largest-contentful-paint', buffered: true });
  // 16 ms is the smallest threshold Event Timing accepts; anything shorter fits in a frame anyway.
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) if (KEY_EVENTS.has(e.name)) state.events.push({ name: e.name, start: e.startTime, duration: e.duration });
  }).observe({ type: 'event', durationThreshold: 16, buffered: true } as PerformanceObserverInit);

  // One querySelector per frame until the first editor is painted: cheaper for the page than a MutationObserver over a thousand cells mounting.
  const watch = () => {
    const el = firstEditor();
    if (el && isVisible(el)) setTimeout(() => (state.firstEditorVisibleAt = performance.now()), 0);
    else requestAnimationFrame(watch);
  };
  requestAnimationFrame(watch);

  // Capture phase on window: runs before the editor's own handlers, whatever they do with the event.
  addEventListener(
    'keydown',
    (e) => {
      if (!e.isTrusted) return;
      // A key that reaches no editor (pressed before the page could take it) is recorded too, so the benchmark learns it missed.
      const editor = e.target instanceof Element ? e.target.closest('.cm-content') : null;
      const before = editor?.textContent ?? '';
      afterNextPaint(() => {
        const key: TProbeKey = { key: e.key, at: e.timeStamp, latency: performance.now() - e.timeStamp, changed: !!editor && editor.textContent !== before, inFirstEditor: !!editor && editor === firstEditor() };
        state.keys.push(key);
        for (const waiter of waiters.filter((w) => w.count <= state.keys.length)) {
          waiters.splice(waiters.indexOf(waiter), 1);
          waiter.resolve(state.keys[waiter.count - 1]);
        }
      });
    },
    { capture: true },
  );
}

// Init scripts run in every frame; only the top document is measured.
if (window === window.top && window.__benchProbeConfig && !window.__benchProbe) install(window.__benchProbeConfig);
