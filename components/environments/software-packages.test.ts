import assert from 'node:assert/strict';
import { test } from 'node:test';
import { addRequirements, requirementName } from './software-packages';

const DEFAULTS = ['numpy==2.4.6', 'pandas==3.1.1', 'scikit-learn==1.9.1'];

test('a requirement names its package as PyPI compares names', () => {
  assert.equal(requirementName('Scikit_Learn>=1.5'), 'scikit-learn');
  assert.equal(requirementName('  pandas[excel] ==3.1.1 ; python_version>"3.9"'), 'pandas');
  assert.equal(requirementName('# numpy'), null);
  assert.equal(requirementName('   '), null);
});

test('the defaults are appended to an empty list, one per line', () => {
  assert.equal(addRequirements('', DEFAULTS), 'numpy==2.4.6\npandas==3.1.1\nscikit-learn==1.9.1\n');
});

test('packages already listed are not added again, whatever their spelling or pin', () => {
  const text = 'requests==2.31.0\nNumPy>=2\nscikit_learn';
  assert.equal(addRequirements(text, DEFAULTS), 'requests==2.31.0\nNumPy>=2\nscikit_learn\npandas==3.1.1\n');
});

test('pressing the button twice changes nothing the second time', () => {
  const once = addRequirements('requests==2.31.0\n', DEFAULTS);
  assert.equal(addRequirements(once, DEFAULTS), once);
});

test('a package only mentioned in a comment is still added', () => {
  assert.equal(addRequirements('# pandas later', ['pandas==3.1.1']), '# pandas later\npandas==3.1.1\n');
});
