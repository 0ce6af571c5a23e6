import { StateEffect, StateField, type Extension, type Range } from '@codemirror/state';
import { Decoration, EditorView, type DecorationSet } from '@codemirror/view';

/**
 * Paints the notebook-wide search's matches (notebook-search.ts) in one cell editor. The
 * notebook owns the search; each editor only shows the ranges it is given.
 *
 * Between pushes, edits to the document map the painted ranges (a match typed into stays
 * highlighted where its text went; one deleted disappears). The notebook should still push
 * the cell's fresh matches after each edit, since an edit can also create or break matches.
 */

export interface TSearchMatchesEffect {
  ranges: { from: number; to: number }[];
  /** Index into `ranges` of the match the find bar is on, or null when it is in another cell. */
  current: number | null;
}

/**
 * Replaces this editor's search highlights. Push an empty `ranges` to clear them. To bring
 * the current match into view, dispatch `EditorView.scrollIntoView(from)` with the effect.
 */
export const setSearchMatches = StateEffect.define<TSearchMatchesEffect>();

const match = Decoration.mark({ class: 'lattice-search-match' });
const current = Decoration.mark({ class: 'lattice-search-match lattice-search-current' });

function decorations({ ranges, current: currentIndex }: TSearchMatchesEffect, docLength: number): DecorationSet {
  const marks: Range<Decoration>[] = [];
  ranges.forEach(({ from, to }, i) => {
    // Matches come from the notebook's copy of the source, which may be a step behind or
    // ahead of this editor: clamp to the document and drop what is left empty.
    const start = Math.max(0, Math.min(from, docLength));
    const end = Math.max(0, Math.min(to, docLength));
    if (end > start) marks.push((i === currentIndex ? current : match).range(start, end));
  });
  return Decoration.set(marks, true);
}

const searchMatches = StateField.define<DecorationSet>({
  create: () => Decoration.none,
  update(value, tr) {
    let next = value.map(tr.changes);
    for (const effect of tr.effects) if (effect.is(setSearchMatches)) next = decorations(effect.value, tr.newDoc.length);
    return next;
  },
  provide: (field) => EditorView.decorations.from(field),
});

const theme = EditorView.baseTheme({
  '&light .lattice-search-match': { backgroundColor: 'rgba(250, 204, 21, 0.4)', borderRadius: '2px' },
  '&light .lattice-search-match.lattice-search-current': { backgroundColor: 'rgba(249, 115, 22, 0.55)', outline: '1px solid #ea580c' },
  '&dark .lattice-search-match': { backgroundColor: 'rgba(234, 179, 8, 0.35)', borderRadius: '2px' },
  '&dark .lattice-search-match.lattice-search-current': { backgroundColor: 'rgba(249, 115, 22, 0.6)', outline: '1px solid #fb923c' },
});

/**
 * Search highlights for one cell editor: class `lattice-search-match` on every range pushed
 * with setSearchMatches, plus `lattice-search-current` on the current one. Add it once per
 * editor.
 */
export function searchHighlight(): Extension {
  return [searchMatches, theme];
}
