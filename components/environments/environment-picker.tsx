'use client';

import { useCallback, useEffect, useId, useLayoutEffect, useRef, useState, type CSSProperties, type KeyboardEvent } from 'react';
import { createPortal } from 'react-dom';
import { cn } from '@/components/ui/cn';
import { ZEnvironmentFits } from '@/lib/client/environment-responses';
import { RequestError } from '@/lib/client/request-error';
import { webClient } from '@/lib/client/web-client';
import type { TEnvironmentFit } from '@/lib/quotas/check-environment-fit';
import { formatRate } from './format-rate';
import { softwareUnavailableReason } from './software-build-labels';
import { hardwareSummary } from './template-labels';

/** What a picker shows on its button: the attached environment, if any. */
export interface TPickedEnvironment {
  id: string | null;
  /** "Python 3 · 1 vCPU · 2 GiB" */
  label: string | null;
}

/** The hardware part of a label: "1 vCPU · 2 GiB · 1 GPU · 4 executors (2–8 dynamic)". */
function hardwareOf(fit: TEnvironmentFit): string {
  return hardwareSummary(fit.environment);
}

/**
 * Chooses a notebook's environment: a button showing the current one, opening a list of the
 * templates the caller may use in the project — each with its hardware, its rate and
 * whether it fits the caller's quota right now (if not, the limit that blocks it). Archived
 * templates are never offered. Fits are fetched fresh each time the list opens. A blocked
 * template can still be chosen (the caller decides whether to wait for capacity); one whose
 * software is not built (queued, building, failed) is shown with the reason but cannot be, as
 * no kernel could start on it. `onChoose` does the attaching.
 */
export function EnvironmentPicker({
  projectId,
  current,
  onChoose,
  disabled = false,
  variant = 'button',
  label,
  align = 'right',
}: {
  projectId: string;
  current: TPickedEnvironment;
  onChoose: (fit: TEnvironmentFit) => void;
  disabled?: boolean;
  /** `button`: a compact toolbar button; `inline`: the current label as the trigger (tables). */
  variant?: 'button' | 'inline';
  /** The accessible name's subject, e.g. the notebook's name in a list. */
  label?: string;
  align?: 'left' | 'right';
}) {
  const [open, setOpen] = useState(false);
  const [fits, setFits] = useState<TEnvironmentFit[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [active, setActive] = useState(0);
  const root = useRef<HTMLDivElement>(null);
  const button = useRef<HTMLButtonElement>(null);
  const popover = useRef<HTMLDivElement>(null);
  const list = useRef<HTMLUListElement>(null);
  const [place, setPlace] = useState<CSSProperties | null>(null);
  const listId = useId();

  const load = useCallback(async () => {
    setError(null);
    try {
      const data = await webClient.get(`/api/projects/${projectId}/environments/fit`, ZEnvironmentFits);
      const offered = data.filter((f) => !f.environment.archivedAt);
      setFits(offered);
      setActive(Math.max(0, offered.findIndex((f) => f.environment.id === current.id)));
    } catch (err) {
      setError(err instanceof RequestError ? err.message : 'Could not load the environments.');
    }
  }, [projectId, current.id]);

  useEffect(() => {
    if (!open) return;
    void load();
    const away = (e: MouseEvent) => {
      const t = e.target as Node;
      if (!root.current?.contains(t) && !popover.current?.contains(t)) setOpen(false);
    };
    document.addEventListener('mousedown', away);
    return () => document.removeEventListener('mousedown', away);
  }, [open, load]);

  // The list floats above everything (a portal with fixed position), so tables that scroll
  // sideways and blurred sticky headers cannot clip it; it follows its button on scroll.
  useLayoutEffect(() => {
    if (!open) return;
    const position = () => {
      const r = button.current?.getBoundingClientRect();
      if (!r) return;
      const width = Math.min(416, window.innerWidth - 16);
      const left = Math.max(8, Math.min(window.innerWidth - width - 8, align === 'right' ? r.right - width : r.left));
      const below = window.innerHeight - r.bottom - 12;
      const above = r.top - 12;
      const up = below < 280 && above > below;
      setPlace({
        position: 'fixed',
        left,
        width,
        ...(up ? { bottom: window.innerHeight - r.top + 4 } : { top: r.bottom + 4 }),
        maxHeight: Math.max(160, up ? above : below),
      });
    };
    position();
    window.addEventListener('scroll', position, true);
    window.addEventListener('resize', position);
    return () => {
      window.removeEventListener('scroll', position, true);
      window.removeEventListener('resize', position);
    };
  }, [open, align]);

  useEffect(() => {
    if (open && fits) list.current?.focus();
  }, [open, fits]);

  function choose(fit: TEnvironmentFit) {
    if (softwareUnavailableReason(fit.environment.softwareBuild)) return;
    setOpen(false);
    if (fit.environment.id !== current.id) onChoose(fit);
  }

  function onListKey(e: KeyboardEvent<HTMLUListElement>) {
    if (!fits?.length) return;
    if (e.key === 'ArrowDown') setActive((i) => Math.min(fits.length - 1, i + 1));
    else if (e.key === 'ArrowUp') setActive((i) => Math.max(0, i - 1));
    else if (e.key === 'Home') setActive(0);
    else if (e.key === 'End') setActive(fits.length - 1);
    else if (e.key === 'Enter' || e.key === ' ') choose(fits[active]);
    else if (e.key === 'Escape') setOpen(false);
    else return;
    e.preventDefault();
  }

  const subject = label ? ` for ${label}` : '';
  return (
    <div ref={root} className="relative inline-block" onKeyDown={(e) => e.key === 'Escape' && setOpen(false)}>
      <button
        ref={button}
        type="button"
        disabled={disabled}
        onClick={() => setOpen((o) => !o)}
        aria-haspopup="listbox"
        aria-expanded={open}
        aria-controls={open ? listId : undefined}
        aria-label={`Environment${subject}: ${current.label ?? 'none'}. Change environment`}
        title={disabled ? current.label ?? undefined : 'Change the environment (hardware) this notebook runs on'}
        data-testid="environment-picker"
        data-current={current.id ?? ''}
        className={cn(
          'inline-flex max-w-full items-center gap-1.5 rounded-md text-xs font-medium focus-visible:outline focus-visible:outline-2 focus-visible:outline-indigo-500',
          variant === 'button'
            ? 'h-7 border border-slate-200 bg-white px-2 text-slate-700 shadow-sm hover:bg-slate-50'
            : 'h-6 px-1.5 text-slate-700 ring-1 ring-inset ring-transparent hover:bg-slate-50 hover:ring-slate-200',
          'disabled:cursor-default disabled:hover:bg-transparent disabled:hover:ring-transparent',
        )}
      >
        {variant === 'button' && (
          <svg viewBox="0 0 16 16" className="h-3.5 w-3.5 shrink-0 text-slate-500" fill="none" stroke="currentColor" strokeWidth="1.4" aria-hidden>
            <rect x="4" y="4" width="8" height="8" rx="1" />
            <path d="M6 1.5v2M10 1.5v2M6 12.5v2M10 12.5v2M1.5 6h2M1.5 10h2M12.5 6h2M12.5 10h2" />
          </svg>
        )}
        <span className="truncate">{variant === 'button' ? 'Environment' : (current.label ?? 'No environment')}</span>
        {!disabled && (
          <svg viewBox="0 0 12 12" className="h-3 w-3 shrink-0 text-slate-400" fill="currentColor" aria-hidden>
            <path d="M2.5 4.5L6 8l3.5-3.5z" />
          </svg>
        )}
      </button>
      {open &&
        place &&
        createPortal(
          <div
            ref={popover}
            style={place}
            onKeyDown={(e) => e.key === 'Escape' && (setOpen(false), button.current?.focus())}
            className="z-50 flex flex-col overflow-hidden rounded-lg border border-slate-200 bg-white text-left shadow-xl"
          >
            <div className="flex items-baseline justify-between border-b border-slate-100 bg-slate-50 px-3 py-2">
              <span className="text-xs font-semibold text-slate-700">Choose an environment{subject}</span>
              <span className="text-[11px] text-slate-500">checked against your quota now</span>
            </div>
            {error && (
              <p className="px-3 py-3 text-xs text-red-600" role="alert">
                {error}
              </p>
            )}
            {!fits && !error && <p className="px-3 py-3 text-xs text-slate-500">Loading environments…</p>}
            {fits && fits.length === 0 && <p className="px-3 py-3 text-xs text-slate-500">No environment is available in this project.</p>}
            {fits && fits.length > 0 && (
              <ul
                ref={list}
                id={listId}
                role="listbox"
                tabIndex={0}
                aria-label={`Environments${subject}`}
                aria-activedescendant={`${listId}-${active}`}
                onKeyDown={onListKey}
                data-testid="environment-options"
                className="min-h-0 flex-1 overflow-y-auto py-1 focus:outline-none"
              >
                {fits.map((fit, i) => {
                  const selected = fit.environment.id === current.id;
                  const unavailable = softwareUnavailableReason(fit.environment.softwareBuild);
                  return (
                    <li
                      key={fit.environment.id}
                      id={`${listId}-${i}`}
                      role="option"
                      aria-selected={selected}
                      aria-disabled={unavailable ? true : undefined}
                      data-testid="environment-option"
                      data-slug={fit.environment.slug}
                      data-fits={fit.fits}
                      onMouseEnter={() => setActive(i)}
                      onClick={() => choose(fit)}
                      className={cn(
                        'border-l-2 px-3 py-2',
                        unavailable ? 'cursor-not-allowed opacity-70' : 'cursor-pointer',
                        i === active ? 'border-indigo-500 bg-indigo-50/60' : 'border-transparent',
                      )}
                    >
                      <div className="flex items-center gap-2">
                        <span className="w-3.5 shrink-0 text-indigo-600" aria-hidden>
                          {selected ? '✓' : ''}
                        </span>
                        <span className="truncate text-sm font-medium text-slate-900">{fit.environment.name}</span>
                        {fit.environment.isDefault && <span className="rounded bg-indigo-50 px-1 text-[10px] font-medium text-indigo-700 ring-1 ring-inset ring-indigo-600/20">default</span>}
                        {fit.environment.projectId && <span className="rounded bg-sky-50 px-1 text-[10px] font-medium text-sky-700 ring-1 ring-inset ring-sky-600/20">project</span>}
                        <span className="ml-auto shrink-0 text-xs font-medium tabular-nums text-slate-700">{formatRate(fit.environment.computeUnitsPerHour)}</span>
                      </div>
                      <div className="mt-0.5 flex items-baseline gap-2 pl-[1.375rem] text-xs">
                        <span className="text-slate-600" data-testid="environment-hardware">
                          {hardwareOf(fit)}
                        </span>
                        <span className="ml-auto truncate font-mono text-[10px] text-slate-400" title="Kernelspec name (what Jupyter clients launch)">
                          {fit.environment.slug}
                        </span>
                      </div>
                      <div className="mt-1 pl-[1.375rem] text-xs" data-testid="environment-fit">
                        {unavailable ? (
                          <p className="flex gap-1 text-amber-800" data-testid="environment-software-unavailable">
                            <span className="mt-1 h-1.5 w-1.5 shrink-0 rounded-full bg-amber-500" aria-hidden />
                            <span className="whitespace-pre-wrap break-words">{unavailable}</span>
                          </p>
                        ) : fit.fits ? (
                          <span className="inline-flex items-center gap-1 text-emerald-700">
                            <span className="h-1.5 w-1.5 rounded-full bg-emerald-500" aria-hidden />
                            Fits your quota
                          </span>
                        ) : (
                          <div className="space-y-0.5 text-red-700">
                            {fit.blocks.map((b) => (
                              <p key={`${b.scope}:${b.limit}`} className="flex gap-1">
                                <span className="mt-1 h-1.5 w-1.5 shrink-0 rounded-full bg-red-500" aria-hidden />
                                <span>{b.message}</span>
                              </p>
                            ))}
                          </div>
                        )}
                      </div>
                    </li>
                  );
                })}
              </ul>
            )}
          </div>,
          document.body,
        )}
    </div>
  );
}
