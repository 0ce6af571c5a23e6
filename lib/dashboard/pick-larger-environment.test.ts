import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { pickLargerEnvironment, type TCandidate } from './pick-larger-environment';

let n = 0;
function candidate(slug: string, cpu: number, memGib: number, opts: { fits?: boolean; language?: string; archived?: boolean; rate?: number } = {}): TCandidate {
  n++;
  return {
    environment: {
      id: `id-${n}`,
      slug,
      name: slug.toUpperCase(),
      language: opts.language ?? 'python',
      cpuLimitM: cpu * 1000,
      memoryLimitMib: memGib * 1024,
      gpus: 0,
      computeUnitsPerHour: opts.rate ?? cpu + memGib / 4,
      archivedAt: opts.archived ? '2026-01-01T00:00:00Z' : null,
      hardwareLabel: `${slug.toUpperCase()} · ${cpu} vCPU · ${memGib} GiB`,
    },
    fits: opts.fits ?? true,
    blocks: opts.fits === false ? [{ message: 'Over your memory quota: 6 GiB of 8 GiB in use, this launch needs 16 GiB.' }] : [],
  };
}

const current = { slug: 'small', language: 'python', cpuLimitM: 1000, memoryLimitMib: 2048 };

describe('pickLargerEnvironment', () => {
  test('out of memory: the next step up in memory that fits, never the current one', () => {
    const all = [candidate('small', 1, 2), candidate('huge', 8, 64), candidate('mem4', 1, 4), candidate('mem8', 2, 8)];
    const choice = pickLargerEnvironment(current, 'oom-killed', all);
    assert.equal(choice.ok && choice.candidate.environment.slug, 'mem4');
    assert.equal(choice.dimension, 'memory');
  });

  test('any other death: the next step up in CPU', () => {
    const all = [candidate('mem4', 1, 4), candidate('cpu2', 2, 2), candidate('cpu4', 4, 8)];
    const choice = pickLargerEnvironment(current, 'crashed', all);
    assert.equal(choice.ok && choice.candidate.environment.slug, 'cpu2');
    assert.equal(choice.dimension, 'cpu');
  });

  test('skips what does not fit, is archived, is another language, or is smaller in the other dimension', () => {
    const all = [
      candidate('blocked', 1, 4, { fits: false }),
      candidate('archived', 1, 4, { archived: true }),
      candidate('r-lang', 1, 4, { language: 'r' }),
      candidate('fewer-cpu', 0.5, 4),
      candidate('ok', 2, 16),
    ];
    const choice = pickLargerEnvironment(current, 'oom-killed', all);
    assert.equal(choice.ok && choice.candidate.environment.slug, 'ok');
  });

  test('equal steps: the cheaper one', () => {
    const all = [candidate('pricey', 1, 4, { rate: 9 }), candidate('cheap', 1, 4, { rate: 2 })];
    const choice = pickLargerEnvironment(current, 'oom-killed', all);
    assert.equal(choice.ok && choice.candidate.environment.slug, 'cheap');
  });

  test('none larger: says so with the current size', () => {
    const choice = pickLargerEnvironment(current, 'oom-killed', [candidate('small', 1, 2), candidate('cpu8', 8, 2)]);
    assert.equal(choice.ok, false);
    assert.match(!choice.ok ? choice.message : '', /No environment in this project has more memory than 2 GiB/);
  });

  test('larger ones exist but none fits: names the smallest and the limit that blocks it', () => {
    const choice = pickLargerEnvironment(current, 'oom-killed', [candidate('mem16', 2, 16, { fits: false }), candidate('mem8', 1, 8, { fits: false })]);
    assert.equal(choice.ok, false);
    assert.match(!choice.ok ? choice.message : '', /^MEM8 \(1 vCPU · 8 GiB\) is larger but does not fit your quota now: Over your memory quota/);
  });
});
