// zod/mini with named imports: the `z` namespace pulls every locale into the frame (430 kB of script per output frame instead of 15 kB).
import { enum as zEnum, object, string, type infer as TInfer } from 'zod/mini';

/**
 * What an output frame shows, and how: the frame side of `text/html`, `image/svg+xml` and
 * `application/javascript` outputs. Pure DOM code (given the element to render into), so it
 * runs in the sandboxed frame and, in tests, in jsdom.
 */

export const ACTIVE_MIME_TYPES = ['text/html', 'image/svg+xml', 'application/javascript'] as const;
export type TActiveMime = (typeof ACTIVE_MIME_TYPES)[number];

/** The `content` of the app's `init` message to an output frame. */
export const ZOutputFrameContent = object({ mime: zEnum(ACTIVE_MIME_TYPES), text: string() });
export type TOutputFrameContent = TInfer<typeof ZOutputFrameContent>;

/**
 * Makes the `<script>`s that arrived through `innerHTML` run (the parser marks those as
 * already started, so they never do): each is replaced by a fresh copy, one after the other,
 * waiting for a `src` script to load (or fail) before the next, so a plot's inline code finds
 * the library the tag before it loaded.
 */
export async function runScripts(root: Element): Promise<void> {
  for (const old of Array.from(root.querySelectorAll('script'))) {
    const doc = old.ownerDocument;
    const fresh = doc.createElementNS(old.namespaceURI ?? 'http://www.w3.org/1999/xhtml', 'script') as HTMLScriptElement;
    for (const attr of Array.from(old.attributes)) fresh.setAttribute(attr.name, attr.value);
    fresh.textContent = old.textContent;
    const loaded = fresh.hasAttribute('src')
      ? new Promise<void>((resolve) => {
          fresh.addEventListener('load', () => resolve(), { once: true });
          fresh.addEventListener('error', () => resolve(), { once: true });
        })
      : null;
    old.replaceWith(fresh);
    if (loaded) await loaded;
  }
}

/** An error the output's own code raised, shown where its output would have been. */
function showError(root: Element, error: unknown): void {
  const pre = root.ownerDocument.createElement('pre');
  pre.className = 'lattice-output-error';
  pre.textContent = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  root.append(pre);
}

/**
 * Renders one output into `root` (emptied first). JavaScript runs as JupyterLab's javascript
 * renderer runs it: a function body with `element` bound to the output's node.
 */
export async function renderOutput(root: HTMLElement, content: TOutputFrameContent): Promise<void> {
  root.replaceChildren();
  root.dataset.mime = content.mime;
  if (content.mime === 'application/javascript') {
    try {
      new Function('element', content.text)(root);
    } catch (error) {
      showError(root, error);
    }
    return;
  }
  root.innerHTML = content.text;
  await runScripts(root);
}
