import assert from 'node:assert/strict';
import { test } from 'node:test';
import { JSDOM } from 'jsdom';
import { renderOutput, runScripts, ZOutputFrameContent } from './render-output';

/** A document that runs scripts, as the sandboxed frame does. */
function frameDocument() {
  const dom = new JSDOM('<!doctype html><body><div id="output"></div></body>', { runScripts: 'dangerously', resources: 'usable' });
  const root = dom.window.document.getElementById('output') as unknown as HTMLElement;
  return { window: dom.window as unknown as Window & { log?: string[] }, root };
}

test('HTML output: its scripts run, in document order, with the DOM before them in place', async () => {
  const { window, root } = frameDocument();
  await renderOutput(root, {
    mime: 'text/html',
    text: '<div id="a">A</div><script>window.log = [document.getElementById("a").textContent]</script><p>B</p><script>window.log.push("second"); document.getElementById("a").textContent = "changed"</script>',
  });
  assert.deepEqual([...window.log!], ['A', 'second']);
  assert.equal(root.querySelector('#a')!.textContent, 'changed');
  assert.equal(root.querySelectorAll('script').length, 2, 'the scripts stay where they were');
});

test('a script that fails to load does not stop the ones after it', async () => {
  const { window, root } = frameDocument();
  root.innerHTML = '<script src="http://127.0.0.1:9/nothing.js"></script><script>window.log = ["after"]</script>';
  await runScripts(root);
  assert.deepEqual([...window.log!], ['after']);
});

test('JavaScript output runs with `element` bound to the output node; its error is shown there', async () => {
  const { root } = frameDocument();
  await renderOutput(root, { mime: 'application/javascript', text: 'element.textContent = "ran in " + element.id' });
  assert.equal(root.textContent, 'ran in output');
  await renderOutput(root, { mime: 'application/javascript', text: 'throw new TypeError("bad plot")' });
  assert.equal(root.querySelector('.lattice-output-error')!.textContent, 'TypeError: bad plot');
});

test('SVG output is drawn inline; new content replaces the old', async () => {
  const { root } = frameDocument();
  await renderOutput(root, { mime: 'text/html', text: '<b>old</b>' });
  await renderOutput(root, { mime: 'image/svg+xml', text: '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><circle r="3"/></svg>' });
  assert.equal(root.querySelector('b'), null);
  assert.equal(root.querySelector('circle')!.getAttribute('r'), '3');
  assert.equal(root.dataset.mime, 'image/svg+xml');
});

test('only the three active MIME types are accepted from the app', () => {
  assert.equal(ZOutputFrameContent.safeParse({ mime: 'text/html', text: 'x' }).success, true);
  assert.equal(ZOutputFrameContent.safeParse({ mime: 'text/plain', text: 'x' }).success, false);
  assert.equal(ZOutputFrameContent.safeParse({ mime: 'text/html' }).success, false);
});
