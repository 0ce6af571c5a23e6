'use client';

import { useCallback, useEffect, useState } from 'react';
import { z } from 'zod';
import type { TSoftwareBuildInfo } from '@/common/software';
import { ZEnvironmentSummary } from '@/lib/client/environment-responses';
import { webClient } from '@/lib/client/web-client';
import type { TEnvironmentSummary } from '@/lib/environments/environment-summary';
import { isBuildUnfinished } from './software-build-labels';

/** Builds take minutes; a step every 2 s reads as live without loading the web for nothing. */
const POLL_MS = 2000;

/**
 * Keeps the software builds of `shown` templates current while any is queued or building:
 * polls `listUrl` (the environment list route of the page) every 2 s and stops once none is
 * unfinished. Returns the overlay to apply to each shown template. New `shown` (after a save
 * and a refresh) starts again from them.
 */
export function useLiveSoftwareBuilds(shown: readonly TEnvironmentSummary[], listUrl: string): (env: TEnvironmentSummary) => TEnvironmentSummary {
  const [polled, setPolled] = useState<{ of: readonly TEnvironmentSummary[]; builds: Map<string, TSoftwareBuildInfo | null> } | null>(null);
  const [tick, setTick] = useState(0);
  const builds = polled?.of === shown ? polled.builds : null;
  const live = useCallback(
    (env: TEnvironmentSummary) => (builds?.has(env.id) ? { ...env, softwareBuild: builds.get(env.id) ?? null } : env),
    [builds],
  );
  const unfinished = shown.some((env) => isBuildUnfinished(live(env).softwareBuild));

  useEffect(() => {
    if (!unfinished) return;
    let stopped = false;
    const timer = window.setTimeout(async () => {
      try {
        const list = await webClient.get(listUrl, z.array(ZEnvironmentSummary));
        if (!stopped) setPolled({ of: shown, builds: new Map(list.map((e) => [e.id, e.softwareBuild])) });
      } catch {
        // A missed poll (web restarting, network blip) is retried on the next tick.
      } finally {
        if (!stopped) setTick((t) => t + 1);
      }
    }, POLL_MS);
    return () => {
      stopped = true;
      window.clearTimeout(timer);
    };
  }, [unfinished, tick, listUrl, shown]);

  return live;
}
