import assert from 'node:assert/strict';
import { test } from 'node:test';
import { installerMessage } from './installer-message';

test('the resolver’s explanation is kept from its error line on, warnings before it dropped', () => {
  const output = [
    'warning: The `UV_NATIVE_TLS` environment variable is deprecated',
    '  × No solution found when resolving dependencies:',
    '  ╰─▶ Because lattice-no-such-package was not found in the package registry and you require lattice-no-such-package==1.0, we can conclude that your requirements are unsatisfiable.',
  ].join('\n');
  assert.equal(installerMessage(output), output.split('\n').slice(1).join('\n').trim());
});

test('without an error line, the last lines are the message; colour codes are removed', () => {
  const output = Array.from({ length: 30 }, (_, i) => `\x1b[31mline ${i}\x1b[0m`).join('\n');
  const message = installerMessage(output);
  assert.equal(message.split('\n').length, 20);
  assert.match(message, /^line 10\nline 11/);
  assert.doesNotMatch(message, /\x1b/);
});

test('a huge message is cut, and silence still says something', () => {
  assert.equal(installerMessage(`error: ${'x'.repeat(5000)}`).length, 2001);
  assert.equal(installerMessage(''), 'the installer failed without a message');
});
