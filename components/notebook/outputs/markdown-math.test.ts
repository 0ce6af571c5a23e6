import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { removeMath, renderLatexText, replaceMath } from './markdown-math';

describe('cutting math out of Markdown', () => {
  test('inline and display formulas in every delimiter become placeholders, kept verbatim', () => {
    const { text, pieces } = removeMath('A $x^2$, \\(a_1 b_1\\), $$\\int_0^1 f\\,dx$$ and \\[y\\].');
    assert.equal(text, 'A @@0@@, @@1@@, @@2@@ and @@3@@.');
    assert.deepEqual(pieces, [
      { tex: 'x^2', display: false },
      { tex: 'a_1 b_1', display: false },
      { tex: '\\int_0^1 f\\,dx', display: true },
      { tex: 'y', display: true },
    ]);
  });

  test('environments are display math, with their \\begin and \\end', () => {
    const src = 'Text\n\\begin{equation}\ne = mc^2\n\\end{equation}\n\\begin{align*}a&=b\\\\c&=d\\end{align*}';
    const { text, pieces } = removeMath(src);
    assert.equal(text, 'Text\n@@0@@\n@@1@@');
    assert.deepEqual(pieces[0], { tex: '\\begin{equation}\ne = mc^2\n\\end{equation}', display: true });
    assert.deepEqual(pieces[1], { tex: '\\begin{align*}a&=b\\\\c&=d\\end{align*}', display: true });
  });

  test('dollars in prose about money stay text', () => {
    for (const s of ['I have $5 and $10 today', 'costs $5, $10 and $15', 'a lone $ sign', 'escaped \\$x\\$ dollars']) {
      assert.deepEqual(removeMath(s), { text: s, pieces: [] }, s);
    }
  });

  test('an inline formula does not run past a blank line', () => {
    assert.deepEqual(removeMath('$a\n\nb$').pieces, []);
    assert.deepEqual(removeMath('$a\nb$').pieces, [{ tex: 'a\nb', display: false }]);
  });

  test('code spans and fenced code keep their dollars', () => {
    assert.equal(removeMath('`$x$` and $y$').text, '`$x$` and @@0@@');
    const fenced = '```python\nprint("$a$")\n```\n$b$';
    assert.equal(removeMath(fenced).text, '```python\nprint("$a$")\n```\n@@0@@');
    assert.equal(removeMath('~~~\n$a$\n').text, '~~~\n$a$\n');
  });

  test('text that looks like a placeholder comes back as itself', () => {
    const { text, pieces } = removeMath('@@0@@ and $z$');
    assert.equal(text, '@@0@@ and @@1@@');
    assert.match(replaceMath(text, pieces), /^@@0@@ and <span class="katex">/);
  });
});

describe('rendering the formulas back', () => {
  test('\\, survives into KaTeX as a thin space, not eaten as an escape', () => {
    const { text, pieces } = removeMath('$$\\int_0^1 f\\,dx$$');
    const html = replaceMath(`<p>${text}</p>`, pieces);
    assert.match(html, /^<p><span class="katex-display">/);
    assert.match(html, /<annotation encoding="application\/x-tex">\\int_0\^1 f\\,dx<\/annotation>/);
    assert.match(html, /class="mspace" style="margin-right:0.1667em;"/);
  });

  test('a formula KaTeX cannot parse is shown in red instead of throwing', () => {
    const broken = replaceMath('@@0@@', removeMath('$x^^2$').pieces);
    assert.match(broken, /^<span class="katex-error" title="ParseError: [^"]+" style="color:#cc0000">x\^\^2<\/span>$/);
    const unknown = replaceMath('@@0@@', removeMath('$\\nosuchcommand{x}$').pieces);
    assert.match(unknown, /style="color:#cc0000;">\\nosuchcommand</);
  });

  test('text/latex: formulas rendered, the text around them escaped', () => {
    const html = renderLatexText('Energy <b>: $$E = mc^2$$ and $\\displaystyle \\frac{1}{2}$');
    assert.match(html, /^Energy &lt;b&gt;: <span class="katex-display">/);
    assert.match(html, /<annotation encoding="application\/x-tex">\\displaystyle \\frac\{1\}\{2\}<\/annotation>/);
    assert.equal(renderLatexText('no math <here>'), 'no math &lt;here&gt;');
  });
});
