import { readFileSync } from 'node:fs';
import path from 'node:path';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';

/** `../shared/fixtures`: real notebooks from the Jupyter project's test suites and the official nbformat schema. */
export const FIXTURES = path.resolve(import.meta.dirname, '../../../shared/fixtures');

/** The official nbformat 4.5 JSON schema, compiled with ajv (draft-07 semantics; the schema uses nothing draft-04-only). */
export function officialNotebookValidator() {
  const schema = JSON.parse(readFileSync(path.join(FIXTURES, 'nbformat-schema/nbformat.v4.5.schema.json'), 'utf8'));
  delete schema.$schema;
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  return ajv.compile(schema);
}
