import assert from 'node:assert/strict';
import { test } from 'node:test';
import { replaceMissingImages, unloadableImage } from './missing-images';

test('paths next to the notebook are missing, other sites are not loaded; data, attachment and blob URLs load', () => {
  for (const src of ['images/missing.png', 'data/plot.png', './a.png', '/files/a.png', '../x.gif']) assert.equal(unloadableImage(src), 'missing', src);
  for (const src of ['https://example.com/a.png', 'http://x/a.png', '//cdn/a.png']) assert.equal(unloadableImage(src), 'remote', src);
  for (const src of ['data:image/png;base64,AAAA', 'attachment:a.png', 'blob:abc', '']) assert.equal(unloadableImage(src), null, src);
});

test('an image that cannot load becomes a visible placeholder naming its source; a remote one links to it', () => {
  const html = '<p><img src="images/missing.png" alt="x"> <img alt="a>b" src="data/a&amp;b.png"> <img src="https://e.com/a.png" alt="y"> <img src="data:image/png;base64,AA"></p>';
  assert.equal(
    replaceMissingImages(html),
    '<p><span class="lattice-missing-image" role="img" aria-label="Image not found: images/missing.png">Image not found: images/missing.png</span> ' +
      '<span class="lattice-missing-image" role="img" aria-label="Image not found: data/a&amp;b.png">Image not found: data/a&amp;b.png</span> ' +
      '<a href="https://e.com/a.png" target="_blank" rel="noopener noreferrer"><span class="lattice-missing-image" role="img" aria-label="Image from another site, not loaded: https://e.com/a.png">Image from another site, not loaded: https://e.com/a.png</span></a> ' +
      '<img src="data:image/png;base64,AA"></p>',
  );
});
