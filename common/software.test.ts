import assert from 'node:assert/strict';
import { test } from 'node:test';
import { normalizePackages, requirementLineProblem, usesDefaultSoftware, ZSoftwareInput } from './software';
import { softwareLockHash, softwareSpecHash } from './software-identity';

test('requirement lines: names, extras, specifiers and markers pass', () => {
  for (const line of ['requests', 'requests==2.31.0', 'pandas>=2,<3', 'scikit-learn ~= 1.5', 'uvicorn[standard]==0.30.0', 'black[jupyter,d]', 'numpy==2.*', 'pywin32==306; sys_platform == "win32"', 'zope.interface===6.0']) {
    assert.equal(requirementLineProblem(line), null, line);
  }
});

test('installer options, direct references and junk are refused, each with a message saying what to write', () => {
  assert.match(requirementLineProblem('-r /etc/passwd') ?? '', /installer options .* are not allowed/);
  assert.match(requirementLineProblem('--index-url https://evil.example/simple') ?? '', /installer options/);
  assert.match(requirementLineProblem('-e .') ?? '', /installer options/);
  assert.match(requirementLineProblem('foo @ https://evil.example/foo.whl') ?? '', /direct references .* are not allowed/);
  assert.match(requirementLineProblem('git+https://github.com/x/y') ?? '', /direct references/);
  assert.match(requirementLineProblem('requests == ') ?? '', /is not a package requirement/);
  assert.match(requirementLineProblem('../local/path') ?? '', /is not a package requirement/);
});

test('the stored list drops comments and blank lines; the input refuses the first bad line by field', () => {
  assert.equal(normalizePackages('# tools\nrequests==2.31.0  # http\n\n  tabulate\r\n'), 'requests==2.31.0\ntabulate');
  const bad = ZSoftwareInput.safeParse({ pythonVersion: '3.11', packages: 'requests\n-r /etc/shadow' });
  assert.equal(bad.success, false);
  assert.deepEqual(bad.error?.issues.map((i) => i.path.join('.')), ['packages']);
  assert.equal(ZSoftwareInput.safeParse({ pythonVersion: 'python3', packages: '' }).success, false);
  assert.equal(ZSoftwareInput.safeParse({ packages: Array.from({ length: 201 }, (_, i) => `p${i}`).join('\n') }).success, false);
  const ok = ZSoftwareInput.parse({ pythonVersion: null, packages: '' });
  assert.equal(usesDefaultSoftware(ok), true);
  assert.equal(usesDefaultSoftware(ZSoftwareInput.parse({ pythonVersion: '3.11', packages: '' })), false);
});

test('identity: the spec hash depends on base and list; the lock hash ignores the lock’s comments', () => {
  assert.equal(softwareSpecHash('python:3.11', 'a\nb'), softwareSpecHash('python:3.11', 'a\nb'));
  assert.notEqual(softwareSpecHash('python:3.11', 'a'), softwareSpecHash('python:3.12', 'a'));
  assert.notEqual(softwareSpecHash('python:3.11', 'a'), softwareSpecHash('image:', 'a'));
  const lock = 'requests==2.31.0 \\\n    --hash=sha256:aa\n    # via -r requirements.in\n';
  assert.equal(softwareLockHash('3.11.2', lock), softwareLockHash('3.11.2', lock.replace('# via -r requirements.in', '# via -r /tmp/other.in')));
  assert.notEqual(softwareLockHash('3.11.2', lock), softwareLockHash('3.11.9', lock));
  assert.notEqual(softwareLockHash('3.11.2', lock), softwareLockHash('3.11.2', lock.replace('aa', 'bb')));
});
