'use client';

import { useCallback, useEffect, useRef, useState } from 'react';
import type { TNotebook } from '@/common/nbformat/schema';
import { ZSaveResult } from '@/lib/client/notebook-responses';
import { errorMessage, RequestError } from '@/lib/client/request-error';
import { webClient } from '@/lib/client/web-client';
import { AUTOSAVE_MAX_WAIT_MS, autosaveDelay } from './autosave-delay';

export type TSaveState = 'saved' | 'unsaved' | 'saving' | 'conflict' | 'error';

/**
 * Saving with optimistic concurrency: each save sends the version it started from; the
 * server refuses it (409 VERSION_CONFLICT) if someone saved in between, and then this hook
 * stops saving altogether and shows the server's message — it never overwrites.
 * Autosaves ~5 s after the last change, and at the latest 30 s after the first unsaved one
 * (outputs streaming keep resetting the 5 s); `saveSoon()` (after a run) and `saveNow()` (Ctrl+S).
 */
export function useNotebookSave(opts: {
  url: string;
  initialVersion: number;
  enabled: boolean;
  revision: number;
  snapshot: () => TNotebook;
}) {
  const { url, initialVersion, enabled, revision } = opts;
  const [state, setState] = useState<TSaveState>('saved');
  const [message, setMessage] = useState<string | null>(null);
  const [savedAt, setSavedAt] = useState<Date | null>(null);
  const version = useRef(initialVersion);
  const savedRevision = useRef(0);
  const latestRevision = useRef(revision);
  latestRevision.current = revision;
  const snapshot = useRef(opts.snapshot);
  snapshot.current = opts.snapshot;
  const inFlight = useRef<Promise<void> | null>(null);
  const again = useRef(false);
  const conflicted = useRef(false);
  const timer = useRef<number | null>(null);
  /** When the oldest change not yet saved was made (null: all saved). */
  const unsavedSince = useRef<number | null>(null);
  /** The latest time the pending changes will be autosaved, for the indicator. */
  const [autosaveBy, setAutosaveBy] = useState<Date | null>(null);

  const saveNow = useCallback(async (): Promise<void> => {
    if (!enabled || conflicted.current) return;
    if (timer.current) window.clearTimeout(timer.current);
    if (inFlight.current) {
      again.current = true;
      return inFlight.current;
    }
    const rev = latestRevision.current;
    if (rev === savedRevision.current) return;
    const startedAt = Date.now();
    setState('saving');
    inFlight.current = (async () => {
      try {
        const saved = await webClient.send('PUT', url, ZSaveResult, { content: snapshot.current(), baseVersion: version.current });
        version.current = saved.version;
        savedRevision.current = rev;
        // Changes made while this save was on its way are the oldest unsaved ones now.
        unsavedSince.current = latestRevision.current === rev ? null : startedAt;
        setAutosaveBy(unsavedSince.current === null ? null : new Date(unsavedSince.current + AUTOSAVE_MAX_WAIT_MS));
        setSavedAt(new Date(saved.updatedAt));
        setMessage(null);
        setState(latestRevision.current === rev ? 'saved' : 'unsaved');
      } catch (err) {
        // Signed out: the client is already on its way to the sign-in page.
        if (err instanceof RequestError && err.status === 401) return;
        if (err instanceof RequestError && err.code === 'VERSION_CONFLICT') {
          conflicted.current = true;
          setState('conflict');
          setMessage(err.message);
          return;
        }
        // The next try waits again (not on every streamed output while the server is away).
        unsavedSince.current = Date.now();
        setState('error');
        setMessage(err instanceof RequestError && err.unreachable ? 'Could not reach the server; your changes are not saved yet.' : errorMessage(err, 'Saving failed.'));
      } finally {
        inFlight.current = null;
      }
    })();
    await inFlight.current;
    if (again.current) {
      again.current = false;
      await saveNow();
    }
  }, [enabled, url]);

  /**
   * Runs a server change that bumps the notebook's version (attaching an environment) in
   * turn with saves: pending changes are saved first, `work` gets the current version and
   * returns the new one, and saves wait meanwhile — so the editor never saves over it.
   * A VERSION_CONFLICT from `work` stops saving as a save conflict does.
   */
  const runVersioned = useCallback(
    async (work: (baseVersion: number) => Promise<{ version: number; updatedAt: string }>): Promise<void> => {
      await saveNow();
      while (inFlight.current) await inFlight.current;
      if (conflicted.current) throw new Error('This notebook was saved elsewhere; reload it first.');
      const job = (async () => {
        const result = await work(version.current);
        version.current = result.version;
        setSavedAt(new Date(result.updatedAt));
      })();
      inFlight.current = job.catch(() => undefined);
      try {
        await job;
      } catch (err) {
        if ((err as { code?: string }).code === 'VERSION_CONFLICT') {
          conflicted.current = true;
          setState('conflict');
          setMessage((err as Error).message);
        }
        throw err;
      } finally {
        inFlight.current = null;
      }
      if (again.current) {
        again.current = false;
        void saveNow();
      }
    },
    [saveNow],
  );

  const saveSoon = useCallback(
    (delay = 500) => {
      if (!enabled || conflicted.current) return;
      if (timer.current) window.clearTimeout(timer.current);
      timer.current = window.setTimeout(() => void saveNow(), delay);
    },
    [enabled, saveNow],
  );

  // Every change marks the notebook unsaved and (re)arms the autosave timer, never past the maximum wait.
  useEffect(() => {
    if (!enabled || conflicted.current || revision === savedRevision.current) return;
    setState((s) => (s === 'saving' ? s : 'unsaved'));
    const now = Date.now();
    if (unsavedSince.current === null) {
      unsavedSince.current = now;
      setAutosaveBy(new Date(now + AUTOSAVE_MAX_WAIT_MS));
    }
    saveSoon(autosaveDelay(now, unsavedSince.current));
  }, [enabled, revision, saveSoon]);

  // Leaving with unsaved changes asks first.
  useEffect(() => {
    const warn = (e: BeforeUnloadEvent) => {
      if (enabled && latestRevision.current !== savedRevision.current) e.preventDefault();
    };
    window.addEventListener('beforeunload', warn);
    return () => window.removeEventListener('beforeunload', warn);
  }, [enabled]);

  useEffect(() => () => void (timer.current && window.clearTimeout(timer.current)), []);

  return { state, message, savedAt, autosaveBy, saveNow, saveSoon, runVersioned };
}
