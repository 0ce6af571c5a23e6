import assert from 'node:assert/strict';
import { test } from 'node:test';
import { projectPathProblem, ZProjectFolderPath, ZProjectPath } from './project-path';

test('plain relative paths, unicode and spaces included, are accepted', () => {
  for (const ok of ['sales.csv', 'data/sales.csv', 'Q1 report/ünïcode — résumé.txt', '.hidden', 'a..b', '...']) {
    assert.equal(projectPathProblem(ok), null, ok);
  }
});

test('traversal and absolute paths are refused, naming the offending path', () => {
  assert.match(projectPathProblem('../x')!, /"\.\."/);
  assert.match(projectPathProblem('data/../../etc/passwd')!, /"\.\."/);
  assert.match(projectPathProblem('./x')!, /"\."/);
  assert.match(projectPathProblem('/etc/passwd')!, /\/etc\/passwd" is absolute/);
  assert.match(projectPathProblem('data\\..\\x')!, /backslash/);
});

test('empty segments are refused; the empty path is only the root of a folder path', () => {
  assert.match(projectPathProblem('a//b')!, /empty folder name/);
  assert.match(projectPathProblem('a/')!, /empty folder name/);
  assert.match(projectPathProblem('')!, /Give a file/);
  assert.equal(projectPathProblem('', { allowRoot: true }), null);
  assert.equal(ZProjectPath.safeParse('').success, false);
  assert.equal(ZProjectFolderPath.safeParse('').success, true);
});

test('control characters are refused with the name shown escaped', () => {
  for (const bad of ['a\u0000b', 'dir/a\nb', 'a\tb', 'a\u001bb', 'a\u007fb']) {
    const problem = projectPathProblem(bad);
    assert.match(problem ?? '', /control character/, JSON.stringify(bad));
    assert.doesNotMatch(problem!, /[\u0000-\u001f]/, 'the message itself stays printable');
  }
  assert.match(projectPathProblem('dir/a\nb')!, /"a\\nb"/);
});

test('over-long names and paths are refused', () => {
  assert.match(projectPathProblem('x'.repeat(256))!, /longer than 255 bytes/);
  assert.equal(projectPathProblem('x'.repeat(255)), null);
  assert.match(projectPathProblem(Array(300).fill('abcd').join('/'))!, /longer than 1024 bytes/);
  assert.match(projectPathProblem('é'.repeat(128))!, /255 bytes/, 'bytes, not characters');
});

test('zod schemas carry the same message', () => {
  const r = ZProjectPath.safeParse('../x');
  assert.equal(r.success, false);
  assert.match(r.error!.issues[0].message, /"\.\."/);
});
