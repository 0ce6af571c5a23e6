'use client';

import DOMPurify from 'dompurify';
import type { TPurifier } from './mime';

/** The browser's DOMPurify; without a DOM (server rendering) it returns nothing rather than unsanitized HTML. */
export const purifier: TPurifier = {
  sanitize: (html, config) => (DOMPurify.isSupported ? DOMPurify.sanitize(html, config as never) : ''),
};

// Links in outputs and Markdown open in a new tab and cannot reach back into this page.
if (DOMPurify.isSupported) {
  DOMPurify.addHook('afterSanitizeAttributes', (node) => {
    if (node.tagName === 'A' && node.getAttribute('href')) {
      node.setAttribute('target', '_blank');
      node.setAttribute('rel', 'noopener noreferrer');
    }
  });
}
