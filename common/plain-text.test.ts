import assert from 'node:assert/strict';
import { test } from 'node:test';
import { z } from 'zod';
import { findNul, zMultiLineText, zSingleLineText } from './plain-text';

const ZForm = z.object({ name: zSingleLineText().trim().min(1), description: zMultiLineText() });

function fieldsOf(input: unknown): string[] {
  const r = ZForm.safeParse(input);
  return r.success ? [] : r.error.issues.map((i) => i.path.join('.'));
}

test('a name refuses every control character, and the issue names the field', () => {
  for (const bad of ['a\u0000b', 'a\nb', 'a\tb', 'a\rb', 'a\u001bb', 'a\u007fb']) {
    assert.deepEqual(fieldsOf({ name: bad, description: '' }), ['name'], JSON.stringify(bad));
  }
  assert.deepEqual(fieldsOf({ name: 'Churn model (v2) — ünïcode', description: '' }), []);
});

test('a description keeps tabs and line breaks but refuses NUL and other control characters', () => {
  assert.deepEqual(fieldsOf({ name: 'n', description: 'line one\r\nline\ttwo\n' }), []);
  for (const bad of ['a\u0000', 'a\u0007', 'a\u000b', 'a\u001f', 'a\u007f']) {
    assert.deepEqual(fieldsOf({ name: 'n', description: bad }), ['description'], JSON.stringify(bad));
  }
});

test('findNul names the first string (or key) holding a NUL inside a JSON document', () => {
  assert.equal(findNul({ cells: [{ source: ['ok', 'x\u0000'] }] }), 'cells.0.source.1');
  assert.equal(findNul({ metadata: { 'k\u0000': 1 } }), 'metadata.k\u0000');
  assert.equal(findNul('\u0000'), '_');
  assert.equal(findNul({ cells: [{ source: 'a\tb\n' }], n: 1, b: null }), null);
});
