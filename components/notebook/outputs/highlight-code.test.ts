import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fenceLanguage, highlightFence } from './highlight-code';

test('Python fences get the editor token classes; markup in code is escaped', () => {
  const html = highlightFence('def f(x):\n    return "<b>" # note', 'python');
  assert.match(html, /^<pre><code class="language-python"><span class="tok-keyword">def<\/span> <span class="tok-variableName tok-definition">f<\/span>/);
  assert.match(html, /<span class="tok-string">"&lt;b&gt;"<\/span>/);
  assert.match(html, /<span class="tok-comment"># note<\/span>/);
  assert.match(html, /\n    <span class="tok-keyword">return<\/span>/);
});

test('unknown languages and bare fences stay plain, escaped text', () => {
  assert.equal(highlightFence('<script>x</script>', 'brainfuck'), '<pre><code class="language-brainfuck">&lt;script&gt;x&lt;/script&gt;\n</code></pre>\n');
  assert.equal(highlightFence('a & b', undefined), '<pre><code>a &amp; b\n</code></pre>\n');
});

test('the language is the first word of the info string, any case', () => {
  assert.equal(fenceLanguage(' Python title="x"'), 'python');
  assert.equal(fenceLanguage(''), '');
});
