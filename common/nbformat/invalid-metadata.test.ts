import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { metadataProblems, recordSetAside, repairMetadata, setAsideInvalidMetadata, INVALID_METADATA_KEY } from './invalid-metadata';
import type { TNotebook } from './schema';
import { validateNotebook } from './validate-notebook';

const FIXTURES = path.resolve(import.meta.dirname, '../../../shared/fixtures');
const fixture = (file: string) => JSON.parse(readFileSync(`${FIXTURES}/${file}`, 'utf8')) as unknown;
/** The official nbformat 4.5 JSON schema, compiled as validate-notebook.test.ts does. */
function officialValidator() {
  const schema = JSON.parse(readFileSync(`${FIXTURES}/nbformat-schema/nbformat.v4.5.schema.json`, 'utf8'));
  delete schema.$schema;
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  return ajv.compile(schema);
}

function importLikeLattice(raw: unknown): TNotebook {
  const { input, found } = setAsideInvalidMetadata(raw);
  const result = validateNotebook(input);
  assert.ok(result.ok, result.ok ? '' : result.message);
  return recordSetAside(result.notebook, found);
}

function repair(nb: TNotebook): TNotebook {
  const byId = new Map(nb.cells.map((c) => [c.id, c]));
  const r = repairMetadata(nb.metadata, (id) => {
    const c = byId.get(id);
    return c ? { cellType: c.cell_type, metadata: c.metadata } : null;
  });
  return { ...nb, metadata: r.notebook, cells: nb.cells.map((c) => (r.cells.has(c.id) ? ({ ...c, metadata: r.cells.get(c.id)! } as typeof c) : c)) };
}

describe('invalid metadata', () => {
  test('the fixture is refused as it is, but opens with its metadata problems listed', () => {
    const raw = fixture('notebooks-repairable/lattice-invalid-metadata.ipynb');
    assert.equal(validateNotebook(raw).ok, false);
    const nb = importLikeLattice(raw);
    assert.deepEqual(
      metadataProblems(nb.metadata).map((p) => p.problem),
      [
        'metadata.kernelspec: display_name is required',
        'metadata: language_info must be an object (got "python")',
        'cells[0].metadata.jupyter: source_hidden must be true or false (got "yes")',
        'cells[3].metadata: tags must be a list (got "slow")',
        'cells[3].metadata: collapsed must be true or false (got "true")',
      ],
    );
    assert.equal(metadataProblems(nb.metadata)[2]!.cell, nb.cells[0]!.id);
    // What is stored already satisfies the schema: nothing invalid is in place.
    assert.ok(validateNotebook(nb).ok);
  });

  test('repair coerces what has a clear meaning and the result satisfies the official nbformat 4.5 schema', () => {
    const nb = repair(importLikeLattice(fixture('notebooks-repairable/lattice-invalid-metadata.ipynb')));
    assert.equal(nb.metadata[INVALID_METADATA_KEY], undefined);
    assert.deepEqual(nb.metadata.kernelspec, { name: 'python3', display_name: 'python3' });
    assert.deepEqual(nb.metadata.language_info, { name: 'python' });
    assert.deepEqual(nb.cells[0]!.metadata, { jupyter: { source_hidden: true } });
    assert.deepEqual(nb.cells[3]!.metadata, { collapsed: true, tags: ['slow'] });
    const validate = officialValidator();
    assert.ok(validate(nb), JSON.stringify(validate.errors));
  });

  test('a value with no clear meaning is dropped, as nbformat strip_invalid_metadata does', () => {
    const raw = { nbformat: 4, nbformat_minor: 5, metadata: {}, cells: [{ id: 'c1', cell_type: 'code', metadata: { scrolled: 'sometimes' }, source: '', outputs: [], execution_count: null }] };
    const nb = repair(importLikeLattice(raw));
    assert.deepEqual(nb.cells[0]!.metadata, {});
  });

  test('structurally broken notebooks are still refused', () => {
    for (const name of ['nbformat-invalid.ipynb', 'nbformat-invalid_cell_id.ipynb']) {
      const { input } = setAsideInvalidMetadata(fixture(`notebooks/${name}`));
      assert.equal(validateNotebook(input).ok, false, name);
    }
  });
});
