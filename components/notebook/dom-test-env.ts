import { JSDOM } from 'jsdom';
import * as React from 'react';

/**
 * A jsdom window as the global DOM, for tests of React components and CodeMirror extensions
 * under Node's test runner (each test file runs in its own process, so the globals stay in
 * it). Import this module before react-dom or @codemirror/view: both look for `document`
 * when first loaded.
 */
const dom = new JSDOM('<!doctype html><html><head></head><body></body></html>', {
  url: 'http://127.0.0.1/',
  // requestAnimationFrame, which CodeMirror measures its layout in.
  pretendToBeVisual: true,
});

const globals: Record<string, unknown> = {
  window: dom.window,
  document: dom.window.document,
  navigator: dom.window.navigator,
  getComputedStyle: dom.window.getComputedStyle.bind(dom.window),
  requestAnimationFrame: dom.window.requestAnimationFrame.bind(dom.window),
  cancelAnimationFrame: dom.window.cancelAnimationFrame.bind(dom.window),
  // React 19 warns about state updates outside act() unless told this is a test.
  IS_REACT_ACT_ENVIRONMENT: true,
  // tsx compiles .tsx with the classic JSX runtime (React.createElement), because the
  // tsconfig's "jsx": "preserve" is meant for Next's compiler.
  React,
};
for (const name of ['Node', 'Element', 'HTMLElement', 'HTMLInputElement', 'Text', 'Event', 'KeyboardEvent', 'MouseEvent', 'InputEvent', 'MutationObserver', 'Range', 'Selection', 'DocumentFragment']) {
  globals[name] = (dom.window as unknown as Record<string, unknown>)[name];
}
for (const [name, value] of Object.entries(globals)) {
  Object.defineProperty(globalThis, name, { value, configurable: true, writable: true });
}

export const testWindow = dom.window;

export interface TMounted {
  container: HTMLElement;
  rerender(element: React.ReactElement): Promise<void>;
  unmount(): Promise<void>;
}

/** Renders an element into a fresh container, inside act() so its effects have run. */
export async function mount(element: React.ReactElement): Promise<TMounted> {
  // Loaded only now: react-dom decides at load time whether it has a DOM.
  const { createRoot } = await import('react-dom/client');
  const container = document.createElement('div');
  document.body.append(container);
  const root = createRoot(container);
  await React.act(async () => root.render(element));
  return {
    container,
    rerender: (next) => React.act(async () => root.render(next)),
    async unmount() {
      await React.act(async () => root.unmount());
      container.remove();
    },
  };
}
