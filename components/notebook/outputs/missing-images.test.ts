import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isMissingImageSrc, replaceMissingImages } from './missing-images';

test('paths next to the notebook cannot be served; data, attachment, http(s) and blob URLs can', () => {
  for (const src of ['images/missing.png', 'data/plot.png', './a.png', '/files/a.png', '../x.gif']) assert.equal(isMissingImageSrc(src), true, src);
  for (const src of ['data:image/png;base64,AAAA', 'attachment:a.png', 'https://example.com/a.png', 'http://x/a.png', '//cdn/a.png', 'blob:abc', '']) assert.equal(isMissingImageSrc(src), false, src);
});

test('a missing image becomes a visible placeholder naming its path; others are untouched', () => {
  const html = '<p><img src="images/missing.png" alt="x"> <img alt="a>b" src="data/a&amp;b.png"> <img src="https://e.com/a.png" alt="y"></p>';
  assert.equal(
    replaceMissingImages(html),
    '<p><span class="lattice-missing-image" role="img" aria-label="Image not found: images/missing.png">Image not found: images/missing.png</span> ' +
      '<span class="lattice-missing-image" role="img" aria-label="Image not found: data/a&amp;b.png">Image not found: data/a&amp;b.png</span> ' +
      '<img src="https://e.com/a.png" alt="y"></p>',
  );
});
