/**
 * Markdown images that cannot load are shown as a visible box naming what is missing rather
 * than a broken image:
 * - paths next to the notebook (`images/plot.png`): Lattice has no file area yet;
 * - other sites' images (`https://…`): the app's Content-Security-Policy loads images from
 *   Lattice only (a notebook must not make its readers' browsers call other sites); the box
 *   links to the image, so a reader can open it on purpose.
 * Data URLs, blob URLs and `attachment:` links (resolved before this runs) are left as they are.
 */

// Sanitized HTML as the DOM serializes it: attribute values are double-quoted.
const IMG_TAG = /<img\b(?:[^>"']|"[^"]*"|'[^']*')*>/gi;
const SRC = /\ssrc="([^"]*)"/i;
const LOADABLE = /^(?:data:|blob:|attachment:)/i;
const REMOTE = /^(?:https?:)?\/\//i;

const decode = (s: string) => s.replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&nbsp;/g, '\u00a0').replace(/&amp;/g, '&');
const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Why an image `src` will not load here, or null when it will. */
export function unloadableImage(src: string): 'missing' | 'remote' | null {
  const s = src.trim();
  if (s === '' || LOADABLE.test(s)) return null;
  return REMOTE.test(s) ? 'remote' : 'missing';
}

/** Replaces each `<img>` that cannot load with a placeholder naming its source. */
export function replaceMissingImages(html: string): string {
  return html.replace(IMG_TAG, (tag) => {
    const src = SRC.exec(tag);
    const url = src ? decode(src[1]!) : '';
    const why = unloadableImage(url);
    if (!why) return tag;
    const text = why === 'missing' ? `Image not found: ${url}` : `Image from another site, not loaded: ${url}`;
    const box = `<span class="lattice-missing-image" role="img" aria-label="${escapeHtml(text)}">${escapeHtml(text)}</span>`;
    return why === 'remote' && /^https?:/i.test(url) ? `<a href="${escapeHtml(url)}" target="_blank" rel="noopener noreferrer">${box}</a>` : box;
  });
}
