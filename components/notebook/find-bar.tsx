'use client';

import { useEffect, useId, useRef, type ReactNode, type RefObject } from 'react';
import { cn } from '@/components/ui/cn';
import type { TSearchOptions } from './notebook-search';

export interface TFindBarProps {
  options: TSearchOptions;
  onOptions(o: TSearchOptions): void;
  replacement: string;
  onReplacement(r: string): void;
  /** How many matches the notebook has. */
  count: number;
  /** Index (0-based) of the match the notebook is on, shown as "current + 1 of count"; null for none yet. */
  current: number | null;
  /** findMatches' message for an invalid regex, shown in place of the count. */
  error: string | null;
  onNext(): void;
  onPrevious(): void;
  onReplace(): void;
  onReplaceAll(): void;
  onClose(): void;
  /** Viewers: no replace row. */
  readOnly: boolean;
  /** Changes → focus and select the query input (Ctrl/Cmd+F pressed again). */
  focusSignal: number;
}

const BUTTON =
  'inline-flex h-7 min-w-7 shrink-0 items-center justify-center gap-1 rounded px-1.5 text-xs font-medium text-slate-700 hover:bg-slate-100 hover:text-slate-900 ' +
  'focus-visible:outline focus-visible:outline-2 focus-visible:outline-indigo-500 disabled:cursor-not-allowed disabled:text-slate-300 disabled:hover:bg-transparent';
const INPUT =
  'h-7 w-52 min-w-0 rounded border-0 bg-white px-2 text-xs text-slate-900 ring-1 ring-inset ring-slate-300 placeholder:text-slate-400 ' +
  'focus:outline-none focus:ring-2 focus:ring-inset focus:ring-indigo-500 aria-[invalid=true]:ring-red-400';

function Toggle({ label, pressed, onToggle, children }: { label: string; pressed: boolean; onToggle: () => void; children: ReactNode }) {
  return (
    <button
      type="button"
      aria-label={label}
      title={label}
      aria-pressed={pressed}
      onClick={onToggle}
      className={cn(BUTTON, 'font-mono', pressed && 'bg-indigo-50 text-indigo-700 ring-1 ring-inset ring-indigo-300 hover:bg-indigo-100 hover:text-indigo-800')}
    >
      {children}
    </button>
  );
}

function IconButton({ label, title, disabled, onClick, path }: { label: string; title: string; disabled?: boolean; onClick: () => void; path: string }) {
  return (
    <button type="button" aria-label={label} title={title} disabled={disabled} onClick={onClick} className={BUTTON}>
      <svg viewBox="0 0 16 16" className="h-3.5 w-3.5" fill="none" stroke="currentColor" strokeWidth="1.6" strokeLinecap="round" strokeLinejoin="round" aria-hidden>
        <path d={path} />
      </svg>
    </button>
  );
}

function statusText({ options, count, current, error }: Pick<TFindBarProps, 'options' | 'count' | 'current' | 'error'>): string {
  if (error) return error;
  if (options.query === '') return '';
  if (count === 0) return 'No results';
  if (current === null) return count === 1 ? '1 result' : `${count} results`;
  return `${current + 1} of ${count}`;
}

/**
 * The notebook's find and replace bar (Ctrl/Cmd+F). It holds no search state: the notebook
 * runs findMatches on every change of `options` and passes the count back.
 */
export function FindBar(props: TFindBarProps) {
  const { options, onOptions, replacement, onReplacement, count, error, readOnly, focusSignal } = props;
  const root = useRef<HTMLDivElement>(null);
  const findInput = useRef<HTMLInputElement>(null);
  const replaceInput = useRef<HTMLInputElement>(null);
  const latest = useRef(props);
  latest.current = props;
  const statusId = useId();

  useEffect(() => {
    findInput.current?.focus();
    findInput.current?.select();
  }, [focusSignal]);

  // A native listener on the bar itself, not React's onKeyDown: React handles events at its
  // root, after any native listener the notebook puts on an element between the bar and the
  // root has already seen the key. Stopping it here keeps the notebook's command-mode keys
  // (A, B, D D, 0 0…) from firing while the user types a query.
  useEffect(() => {
    const bar = root.current!;
    const onKeyDown = (e: KeyboardEvent) => {
      const mod = e.ctrlKey || e.metaKey;
      // Save is the page's, wherever focus is.
      if (mod && e.key.toLowerCase() === 's') return;
      e.stopPropagation();
      const p = latest.current;
      if (e.key === 'Escape') {
        e.preventDefault();
        p.onClose();
      } else if (mod && !e.altKey && e.key.toLowerCase() === 'f') {
        // Ctrl/Cmd+F again: back to the query, not the browser's own find.
        e.preventDefault();
        findInput.current?.focus();
        findInput.current?.select();
      } else if (e.key === 'Enter' && !e.isComposing && (e.target === findInput.current || e.target === replaceInput.current)) {
        e.preventDefault();
        if (p.count === 0 || p.error) return;
        if (e.target === replaceInput.current) p.onReplace();
        else if (e.shiftKey) p.onPrevious();
        else p.onNext();
      }
    };
    bar.addEventListener('keydown', onKeyDown);
    return () => bar.removeEventListener('keydown', onKeyDown);
  }, []);

  const none = count === 0 || error !== null;
  const status = statusText(props);
  return (
    <div ref={root} role="search" aria-label="Find in notebook" className="flex flex-col gap-1 rounded-md border border-slate-200 bg-white p-1.5 text-xs shadow-sm">
      <div className="flex flex-wrap items-center gap-1">
        <BarInput
          ref={findInput}
          label="Find"
          value={options.query}
          onChange={(query) => onOptions({ ...options, query })}
          aria-invalid={error ? true : undefined}
          aria-describedby={statusId}
        />
        <Toggle label="Match case" pressed={options.caseSensitive} onToggle={() => onOptions({ ...options, caseSensitive: !options.caseSensitive })}>
          Aa
        </Toggle>
        <Toggle label="Whole word" pressed={options.wholeWord} onToggle={() => onOptions({ ...options, wholeWord: !options.wholeWord })}>
          <span className="underline underline-offset-2">ab</span>
        </Toggle>
        <Toggle label="Use regular expression" pressed={options.regex} onToggle={() => onOptions({ ...options, regex: !options.regex })}>
          .*
        </Toggle>
        <span
          id={statusId}
          data-testid="find-count"
          aria-live="polite"
          // A regex error is a sentence: it takes a line of its own under the controls.
          className={cn('px-1', error ? 'order-last basis-full text-red-600' : 'min-w-[4.5rem] tabular-nums text-slate-500')}
        >
          {status}
        </span>
        <IconButton label="Previous match" title="Previous match (Shift+Enter)" disabled={none} onClick={props.onPrevious} path="M4 10l4-4 4 4" />
        <IconButton label="Next match" title="Next match (Enter)" disabled={none} onClick={props.onNext} path="M4 6l4 4 4-4" />
        <IconButton label="Close find bar" title="Close (Escape)" onClick={props.onClose} path="M4 4l8 8M12 4l-8 8" />
      </div>
      {!readOnly && (
        <div className="flex flex-wrap items-center gap-1">
          <BarInput ref={replaceInput} label="Replace" value={replacement} onChange={onReplacement} />
          <button type="button" title="Replace the current match (Enter in Replace)" disabled={none} onClick={props.onReplace} className={BUTTON}>
            Replace
          </button>
          <button type="button" title="Replace every match in the notebook" disabled={none} onClick={props.onReplaceAll} className={BUTTON}>
            Replace all
          </button>
        </div>
      )}
    </div>
  );
}

/** One of the bar's text fields: named by its label, no spelling marks or autofill on code. */
function BarInput({ ref, label, value, onChange, ...aria }: {
  ref: RefObject<HTMLInputElement | null>;
  label: string;
  value: string;
  onChange: (value: string) => void;
  'aria-invalid'?: boolean;
  'aria-describedby'?: string;
}) {
  return (
    <input
      ref={ref}
      type="text"
      aria-label={label}
      placeholder={label}
      spellCheck={false}
      autoComplete="off"
      value={value}
      onChange={(e) => onChange(e.target.value)}
      className={INPUT}
      {...aria}
    />
  );
}
