import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { StreamBuffer, STREAM_LIMITS } from './stream-buffer';

const small = { ...STREAM_LIMITS, headLines: 3, tailLines: 2, headChars: 1000, tailChars: 1000, lineChars: 50, downloadBytes: 40 };

describe('StreamBuffer', () => {
  test('carriage returns and backspaces act like a terminal, also across messages', () => {
    const b = new StreamBuffer();
    for (const chunk of ['hel', 'lo\n', ' 10%|#    |', '\r', ' 50%|##   |\r 100%|#####|', '\n', 'ab\x08', 'c\n', 'x\r\n']) b.append(chunk);
    assert.equal(b.text(), 'hello\n 100%|#####|\nac\nx\n');
  });

  test('a "\\r" at the end of one message lets the next one overwrite the line (tqdm)', () => {
    const b = new StreamBuffer();
    b.append('  0%|          | 0/50\r');
    b.append(' 50%|#####     | 25/50\r');
    b.append('100%|##########| 50/50');
    assert.equal(b.text(), '100%|##########| 50/50');
    b.append('\n');
    assert.equal(b.text().split('\n').filter(Boolean).length, 1);
  });

  test('keeps the head and the tail, with a note for what was dropped', () => {
    const b = new StreamBuffer(small);
    for (let i = 0; i < 10; i++) b.append(`${i}\n`);
    assert.equal(b.text(), '0\n1\n2\n… 5 lines (10 B) dropped by Lattice …\n8\n9\n');
    assert.deepEqual(b.omission(), { lines: 5, bytes: 10 });
    assert.equal(b.headLength(), 6);
  });

  test('the download holds the raw text up to its cap and says what it left out', () => {
    const b = new StreamBuffer(small);
    for (let i = 0; i < 10; i++) b.append(`line ${i}\n`);
    const d = b.download();
    assert.equal(d.chunks.join(''), 'line 0\nline 1\nline 2\nline 3\nline 4\n');
    assert.equal(d.lostBytes, 35);
  });

  test('a line longer than the row width wraps, so the text stays bounded', () => {
    const b = new StreamBuffer(small);
    b.append('x'.repeat(1000));
    assert.ok(b.text().length <= 3 * 50 + 60 + 2 * 50 + 50, `${b.text().length} characters shown`);
    assert.match(b.text(), /dropped by Lattice/);
  });

  test('a million lines in big messages: bounded text, linear time', () => {
    const b = new StreamBuffer();
    const started = performance.now();
    for (let m = 0; m < 100; m++) {
      let chunk = '';
      for (let i = m * 10_000; i < (m + 1) * 10_000; i++) chunk += `${i}\n`;
      b.append(chunk);
      b.text();
    }
    const text = b.text();
    assert.ok(performance.now() - started < 5_000);
    const lines = text.split('\n');
    assert.equal(lines[0], '0');
    assert.equal(lines[499], '499');
    assert.equal(lines[500], '… 999,000 lines (6.6 MB) dropped by Lattice …');
    assert.equal(lines[1000], '999999');
    assert.equal(b.download().chunks.join('').length, 6_888_890);
  });
});
