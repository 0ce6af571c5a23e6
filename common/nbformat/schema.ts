import { z } from 'zod';

/**
 * nbformat 4.5 as zod schemas, mirroring the official JSON schema
 * (jupyter/nbformat `nbformat/v4/nbformat.v4.5.schema.json`): closed cell and output objects,
 * open metadata objects, multiline strings as `string | string[]`, JSON-valued MIME types
 * (`application/json`, `application/*+json`) holding any JSON.
 *
 * The stored form (what `validateNotebook` returns and what the editor saves) is the same
 * format with every multiline string joined into one string, which the schema also allows.
 */

export const NBFORMAT_MAJOR = 4;
export const NBFORMAT_MINOR = 5;

export const ZMultilineString = z.union([z.string(), z.array(z.string())], {
  error: 'must be a string or a list of strings',
});
export type TMultilineString = z.infer<typeof ZMultilineString>;

export const ZCellId = z
  .string({ error: 'must be a string' })
  .min(1, 'must not be empty')
  .max(64, 'must be at most 64 characters')
  .regex(/^[a-zA-Z0-9-_]+$/, 'may only contain letters, digits, "-" and "_"');

const JSON_MIME = /^application\/(.*\+)?json$/;

/** Whether a MIME type's value is arbitrary JSON rather than a (multiline) string. */
export function isJsonMimeType(mime: string): boolean {
  return JSON_MIME.test(mime);
}

/** MIME type → data. Text types hold multiline strings; JSON types hold any JSON value. */
export const ZMimeBundle = z.record(z.string(), z.unknown()).superRefine((bundle, ctx) => {
  for (const [mime, value] of Object.entries(bundle)) {
    if (isJsonMimeType(mime)) continue;
    if (!ZMultilineString.safeParse(value).success) {
      ctx.addIssue({ code: 'custom', path: [mime], message: 'must be a string or a list of strings' });
    }
  }
});
export type TMimeBundle = Record<string, unknown>;

const ZExecutionCount = z.union([z.int().min(0), z.null()], { error: 'must be a whole number (0 or more) or null' });

const ZMetadataName = z.string().regex(/^.+$/, 'must be a non-empty string');
const ZMetadataTags = z
  .array(z.string().regex(/^[^,]+$/, 'must be non-empty and contain no commas'))
  .refine((tags) => new Set(tags).size === tags.length, 'must not contain the same tag twice');

const ZJupyterCellMetadata = z.looseObject({
  source_hidden: z.boolean().optional(),
  outputs_hidden: z.boolean().optional(),
});

const ZBaseCellMetadata = {
  name: ZMetadataName.optional(),
  tags: ZMetadataTags.optional(),
  jupyter: ZJupyterCellMetadata.optional(),
};

export const ZRawCellMetadata = z.looseObject({ ...ZBaseCellMetadata, format: z.string().optional() });
export const ZMarkdownCellMetadata = z.looseObject(ZBaseCellMetadata);
export const ZCodeCellMetadata = z.looseObject({
  ...ZBaseCellMetadata,
  execution: z.record(z.string(), z.string({ error: 'must be a string (an ISO 8601 date)' })).optional(),
  collapsed: z.boolean().optional(),
  scrolled: z.union([z.boolean(), z.literal('auto')], { error: 'must be true, false or "auto"' }).optional(),
});

export const ZAttachments = z.record(z.string(), ZMimeBundle);

export const ZExecuteResultOutput = z.strictObject({
  output_type: z.literal('execute_result'),
  execution_count: ZExecutionCount,
  data: ZMimeBundle,
  metadata: z.looseObject({}),
});
export const ZDisplayDataOutput = z.strictObject({
  output_type: z.literal('display_data'),
  data: ZMimeBundle,
  metadata: z.looseObject({}),
});
export const ZStreamOutput = z.strictObject({
  output_type: z.literal('stream'),
  name: z.string(),
  text: ZMultilineString,
});
export const ZErrorOutput = z.strictObject({
  output_type: z.literal('error'),
  ename: z.string(),
  evalue: z.string(),
  traceback: z.array(z.string()),
});

/** Output schemas by `output_type` (the validator dispatches on it for precise messages). */
export const OUTPUT_SCHEMAS = {
  execute_result: ZExecuteResultOutput,
  display_data: ZDisplayDataOutput,
  stream: ZStreamOutput,
  error: ZErrorOutput,
} as const;
export type TOutputType = keyof typeof OUTPUT_SCHEMAS;
export const OUTPUT_TYPES = Object.keys(OUTPUT_SCHEMAS) as TOutputType[];

export const ZOutput = z.discriminatedUnion('output_type', [ZExecuteResultOutput, ZDisplayDataOutput, ZStreamOutput, ZErrorOutput]);
export type TExecuteResultOutput = z.infer<typeof ZExecuteResultOutput>;
export type TDisplayDataOutput = z.infer<typeof ZDisplayDataOutput>;
export type TStreamOutput = z.infer<typeof ZStreamOutput>;
export type TErrorOutput = z.infer<typeof ZErrorOutput>;
export type TOutput = z.infer<typeof ZOutput>;

export const ZRawCell = z.strictObject({
  id: ZCellId,
  cell_type: z.literal('raw'),
  metadata: ZRawCellMetadata,
  attachments: ZAttachments.optional(),
  source: ZMultilineString,
});
export const ZMarkdownCell = z.strictObject({
  id: ZCellId,
  cell_type: z.literal('markdown'),
  metadata: ZMarkdownCellMetadata,
  attachments: ZAttachments.optional(),
  source: ZMultilineString,
});
export const ZCodeCell = z.strictObject({
  id: ZCellId,
  cell_type: z.literal('code'),
  metadata: ZCodeCellMetadata,
  source: ZMultilineString,
  outputs: z.array(z.unknown()).pipe(z.array(ZOutput)),
  execution_count: ZExecutionCount,
});

/** Cell schemas by `cell_type`. */
export const CELL_SCHEMAS = { code: ZCodeCell, markdown: ZMarkdownCell, raw: ZRawCell } as const;
export type TCellType = keyof typeof CELL_SCHEMAS;
export const CELL_TYPES = Object.keys(CELL_SCHEMAS) as TCellType[];

export const ZCell = z.discriminatedUnion('cell_type', [ZCodeCell, ZMarkdownCell, ZRawCell]);
export type TRawCell = z.infer<typeof ZRawCell>;
export type TMarkdownCell = z.infer<typeof ZMarkdownCell>;
export type TCodeCell = z.infer<typeof ZCodeCell>;
export type TCell = z.infer<typeof ZCell>;

export const ZKernelspecMetadata = z.looseObject({ name: z.string(), display_name: z.string() });
export const ZLanguageInfoMetadata = z.looseObject({
  name: z.string(),
  codemirror_mode: z.union([z.string(), z.looseObject({})], { error: 'must be a string or an object' }).optional(),
  file_extension: z.string().optional(),
  mimetype: z.string().optional(),
  pygments_lexer: z.string().optional(),
});
export const ZNotebookMetadata = z.looseObject({
  kernelspec: ZKernelspecMetadata.optional(),
  language_info: ZLanguageInfoMetadata.optional(),
  orig_nbformat: z.int().min(1).optional(),
  title: z.string().optional(),
  authors: z.array(z.unknown()).optional(),
});

/** A notebook in nbformat 4.5 (what is stored and served). */
export const ZNotebook = z.strictObject({
  metadata: ZNotebookMetadata,
  nbformat_minor: z.int().min(NBFORMAT_MINOR),
  nbformat: z.literal(NBFORMAT_MAJOR),
  cells: z.array(ZCell),
});
export type TNotebook = z.infer<typeof ZNotebook>;
export type TNotebookMetadata = z.infer<typeof ZNotebookMetadata>;
