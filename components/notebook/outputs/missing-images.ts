/**
 * Markdown images that point at files next to the notebook (`images/plot.png`): Lattice has no
 * file area yet, so they cannot load. They are shown as a visible "Image not found" box rather
 * than a broken image. Data URLs, resolved attachments, unresolved `attachment:` links and
 * absolute http(s) or blob URLs are left as they are.
 */

// Sanitized HTML as the DOM serializes it: attribute values are double-quoted.
const IMG_TAG = /<img\b(?:[^>"']|"[^"]*"|'[^']*')*>/gi;
const SRC = /\ssrc="([^"]*)"/i;
const LOADABLE = /^(?:data:|blob:|attachment:|https?:\/\/|\/\/)/i;

const decode = (s: string) => s.replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&nbsp;/g, '\u00a0').replace(/&amp;/g, '&');
const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** True when an image `src` cannot be served (a relative or root-relative path). */
export function isMissingImageSrc(src: string): boolean {
  return src.trim() !== '' && !LOADABLE.test(src.trim());
}

/** Replaces each `<img>` whose source is a path with a placeholder naming that path. */
export function replaceMissingImages(html: string): string {
  return html.replace(IMG_TAG, (tag) => {
    const src = SRC.exec(tag);
    if (!src || !isMissingImageSrc(decode(src[1]!))) return tag;
    const text = `Image not found: ${decode(src[1]!)}`;
    return `<span class="lattice-missing-image" role="img" aria-label="${escapeHtml(text)}">${escapeHtml(text)}</span>`;
  });
}
