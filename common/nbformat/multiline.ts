import { isJsonMimeType, type TMimeBundle, type TNotebook } from './schema';

/** nbformat multiline string → one string (lists of lines are concatenated as they are). */
export function joinMultiline(value: string | string[]): string {
  return Array.isArray(value) ? value.join('') : value;
}

/** One string → the list-of-lines form Jupyter writes to disk ("a\n", "b"); '' → []. */
export function splitLines(text: string): string[] {
  return text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
}

/** A MIME bundle with every text value joined (JSON values untouched). */
export function joinBundle(bundle: TMimeBundle): TMimeBundle {
  const out: TMimeBundle = {};
  for (const [mime, value] of Object.entries(bundle)) {
    out[mime] = isJsonMimeType(mime) ? value : joinMultiline(value as string | string[]);
  }
  return out;
}

function splitBundle(bundle: TMimeBundle): TMimeBundle {
  const out: TMimeBundle = {};
  for (const [mime, value] of Object.entries(bundle)) {
    out[mime] = !isJsonMimeType(mime) && typeof value === 'string' ? splitLines(value) : value;
  }
  return out;
}

/**
 * The notebook as Jupyter writes it to a file: sources, stream texts and text MIME data as
 * lists of lines (diff-friendly; same content). Used for export.
 */
export function toFileForm(nb: TNotebook): TNotebook {
  return {
    ...nb,
    cells: nb.cells.map((cell) => {
      const source = splitLines(joinMultiline(cell.source));
      if (cell.cell_type !== 'code') {
        return cell.attachments
          ? { ...cell, source, attachments: Object.fromEntries(Object.entries(cell.attachments).map(([k, b]) => [k, splitBundle(b)])) }
          : { ...cell, source };
      }
      return {
        ...cell,
        source,
        outputs: cell.outputs.map((o) => {
          if (o.output_type === 'stream') return { ...o, text: splitLines(joinMultiline(o.text)) };
          if (o.output_type === 'execute_result' || o.output_type === 'display_data') return { ...o, data: splitBundle(o.data) };
          return o;
        }),
      };
    }),
  };
}
