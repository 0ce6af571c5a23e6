'use client';

import { cn } from '@/components/ui/cn';
import { hiddenBySections, type THeading } from './table-of-contents';

interface TEntry {
  heading: THeading;
  key: string;
  /** The cell's first heading: the one that carries the cell's collapse toggle. */
  first: boolean;
}

/**
 * The entries to list: headings of cells inside a collapsed section are left out, as their
 * cells are. Only heading cells can start or end a section, so the headings alone say
 * which of them are hidden (each cell's level is its top heading's, as in topHeadingLevel).
 */
function visibleEntries(headings: readonly THeading[], collapsed: ReadonlySet<string>): TEntry[] {
  const levels = new Map<string, number>();
  for (const h of headings) levels.set(h.cellId, Math.min(levels.get(h.cellId) ?? 7, h.level));
  const hidden = hiddenBySections([...levels].map(([id, level]) => ({ id, level })), collapsed);
  const perCell = new Map<string, number>();
  const entries: TEntry[] = [];
  for (const heading of headings) {
    const nth = perCell.get(heading.cellId) ?? 0;
    perCell.set(heading.cellId, nth + 1);
    if (!hidden.has(heading.cellId)) entries.push({ heading, key: `${heading.cellId}:${nth}`, first: nth === 0 });
  }
  return entries;
}

/**
 * The notebook's table of contents: Markdown headings, indented by level, click to jump;
 * each heading cell's toggle collapses its section (per cell, as JupyterLab's
 * `heading_collapsed`).
 *
 * `activeCellId` marks the entry of the section being worked in: pass
 * `sectionCellOf(cells, activeCell)` (table-of-contents.ts) so that a code cell under a
 * heading highlights that heading; the entry marked is that cell's first heading.
 */
export function OutlinePanel({ headings, activeCellId, collapsed, onJump, onToggleCollapsed, onClose }: {
  headings: THeading[];
  activeCellId: string | null;
  collapsed: ReadonlySet<string>;
  onJump(cellId: string): void;
  onToggleCollapsed(cellId: string): void;
  onClose(): void;
}) {
  const entries = visibleEntries(headings, collapsed);
  // Indent relative to the shallowest heading, so a notebook that starts at ## is not shifted.
  const shallowest = Math.min(...headings.map((h) => h.level));
  return (
    <nav aria-label="Table of contents" className="flex h-full min-h-0 flex-col text-xs">
      <div className="flex items-center justify-between border-b border-slate-200 py-1 pl-3 pr-1">
        <h2 className="font-semibold uppercase tracking-wide text-slate-500">Outline</h2>
        <button
          type="button"
          aria-label="Close outline"
          title="Close outline"
          onClick={onClose}
          className="inline-flex h-7 w-7 items-center justify-center rounded text-slate-500 hover:bg-slate-100 hover:text-slate-900 focus-visible:outline focus-visible:outline-2 focus-visible:outline-indigo-500"
        >
          <svg viewBox="0 0 16 16" className="h-3.5 w-3.5" fill="none" stroke="currentColor" strokeWidth="1.6" strokeLinecap="round" aria-hidden>
            <path d="M4 4l8 8M12 4l-8 8" />
          </svg>
        </button>
      </div>
      {entries.length === 0 ? (
        <p className="px-3 py-4 leading-relaxed text-slate-500">No headings: add Markdown headings (# Title) to build the outline.</p>
      ) : (
        <ul className="min-h-0 flex-1 overflow-y-auto py-1">
          {entries.map(({ heading, key, first }) => {
            const isCollapsed = collapsed.has(heading.cellId);
            const active = first && heading.cellId === activeCellId;
            return (
              <li key={key} className="flex items-center gap-0.5 pr-1" style={{ paddingLeft: `${(heading.level - shallowest) * 0.875 + 0.25}rem` }}>
                {first ? (
                  <button
                    type="button"
                    aria-expanded={!isCollapsed}
                    aria-label={`${isCollapsed ? 'Expand' : 'Collapse'} section ${heading.text}`}
                    title={isCollapsed ? 'Expand section' : 'Collapse section'}
                    onClick={() => onToggleCollapsed(heading.cellId)}
                    className="inline-flex h-6 w-5 shrink-0 items-center justify-center rounded text-slate-400 hover:bg-slate-100 hover:text-slate-700 focus-visible:outline focus-visible:outline-2 focus-visible:outline-indigo-500"
                  >
                    <svg viewBox="0 0 16 16" className={cn('h-3 w-3 transition-transform', isCollapsed && '-rotate-90')} fill="none" stroke="currentColor" strokeWidth="1.8" strokeLinecap="round" strokeLinejoin="round" aria-hidden>
                      <path d="M4 6l4 4 4-4" />
                    </svg>
                  </button>
                ) : (
                  <span className="w-5 shrink-0" aria-hidden />
                )}
                <button
                  type="button"
                  onClick={() => onJump(heading.cellId)}
                  aria-current={active ? 'location' : undefined}
                  title={heading.text}
                  className={cn(
                    'min-w-0 flex-1 truncate rounded px-1.5 py-1 text-left hover:bg-slate-100 focus-visible:outline focus-visible:outline-2 focus-visible:outline-indigo-500',
                    heading.level === shallowest ? 'font-semibold text-slate-900' : 'text-slate-700',
                    active && 'bg-indigo-50 text-indigo-700 hover:bg-indigo-100',
                  )}
                >
                  {heading.text}
                </button>
              </li>
            );
          })}
        </ul>
      )}
    </nav>
  );
}
