import { inArray } from 'drizzle-orm';
import type { Logger } from 'pino';
import { isTerminal, ZKernelState } from '../../../common/kernel-states';
import type { TDb } from '../../../db/client';
import { kernels } from '../../../db/schema';
import { tolerate } from './api-errors';
import { LABELS } from './names';
import type { PodApi } from './pod-api';
import type { PodWatch } from './pod-watch';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Deletes kernel pods no kernel needs: their `kernels` row is missing or in a terminal state
 * (a gateway killed between the row's end and the pod's deletion, a row deleted with its
 * project, a pod made by hand with our labels). Runs every `sweepIntervalMs` and once at
 * start-up after reattach. Reads the watch's cache; only deletes call the API server.
 */
export class PodSweeper {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<number> | null = null;

  constructor(
    private readonly deps: {
      db: TDb;
      api: PodApi;
      watch: PodWatch;
      logger: Logger;
      intervalMs: number;
      /** Only namespaces of this installation (`LATTICE_K8S_NAMESPACE_PREFIX`): another one's pods are not in our database. */
      namespacePrefix: string;
    },
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.sweep().catch((err) => this.deps.logger.warn({ err }, 'pod sweep failed')), this.deps.intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running?.catch(() => undefined);
  }

  /** One pass; resolves with the number of pods deleted. A pass already under way is shared. */
  sweep(): Promise<number> {
    this.running ??= this.pass().finally(() => (this.running = null));
    return this.running;
  }

  private async pass(): Promise<number> {
    const { db, api, watch, logger } = this.deps;
    const pods = watch.allKernelPods().filter((p) => !p.metadata?.deletionTimestamp && p.metadata?.namespace?.startsWith(this.deps.namespacePrefix));
    const ids = [...new Set(pods.map((p) => p.metadata?.labels?.[LABELS.kernelId] ?? '').filter((id) => UUID.test(id)))];
    const rows = ids.length ? await db.select({ id: kernels.id, state: kernels.state }).from(kernels).where(inArray(kernels.id, ids)) : [];
    const states = new Map(rows.map((r) => [r.id, ZKernelState.parse(r.state)]));
    let deleted = 0;
    for (const pod of pods) {
      const kernelId = pod.metadata?.labels?.[LABELS.kernelId] ?? '';
      const state = states.get(kernelId);
      if (state !== undefined && !isTerminal(state)) continue;
      const { name, namespace } = pod.metadata as { name: string; namespace: string };
      logger.info({ kernelId, namespace, pod: name, state: state ?? 'no kernel record' }, 'sweeping orphan kernel pod');
      await tolerate([404], () => api.deletePod(namespace, name, { gracePeriodSeconds: 0 }));
      deleted++;
    }
    return deleted;
  }
}
