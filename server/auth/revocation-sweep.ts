import type { Logger } from 'pino';
import type { TDb } from '../../db/client';
import type { OpenConnections } from '../bridge/open-connections';
import type { KernelManager } from '../kernels/kernel-manager';
import { purgeDeletedProjects, readKernelStandings, stopDetail } from '../kernels/kernels-to-stop';
import { judgeConnection, readConnectionRights, rightsKey } from './connection-rights';

export interface TRevocationSweepDeps {
  db: TDb;
  connections: OpenConnections;
  kernels: KernelManager;
  intervalMs: number;
  logger: Logger;
}

/**
 * Makes revocation reach what is already open. Requests and upgrades are checked when they
 * arrive; an open websocket or a running kernel would outlive a revoked token, a disabled or
 * deleted user, a lost membership or an archived or deleted project. Every `intervalMs` this
 * re-checks all open websockets in one query and all kernels this gateway runs in another:
 * websockets that lost their right are closed with a code and reason (connection-rights.ts),
 * kernels whose owner or project may no longer run are stopped, and a deleted project is
 * removed once none of its kernels runs anywhere.
 */
export class RevocationSweep {
  private timer: NodeJS.Timeout | null = null;
  private pass: Promise<void> | null = null;
  /** Kernels being stopped by an earlier pass (a stop may take longer than a pass). */
  private readonly stopping = new Map<string, Promise<void>>();

  constructor(private readonly deps: TRevocationSweepDeps) {}

  /** Starts the passes, after reattach; first removes deleted projects an earlier gateway left behind. */
  start(): void {
    void purgeDeletedProjects(this.deps.db)
      .then((ids) => ids.length && this.deps.logger.info({ projectIds: ids }, 'removed deleted projects'))
      .catch((err) => this.deps.logger.warn({ err }, 'removing deleted projects failed'));
    this.timer = setInterval(() => void this.sweep(), this.deps.intervalMs);
    this.timer.unref();
  }

  /** Stops the passes and waits for the one under way and the stops it began. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.pass;
    await Promise.all(this.stopping.values());
  }

  /** One pass; a pass still running when the next is due makes that one a no-op. */
  sweep(): Promise<void> {
    this.pass ??= (async () => {
      try {
        await this.checkConnections();
        await this.checkKernels();
      } catch (err) {
        this.deps.logger.warn({ err }, 'revocation sweep failed; retrying at the next pass');
      } finally {
        this.pass = null;
      }
    })();
    return this.pass;
  }

  private async checkConnections(): Promise<void> {
    const open = this.deps.connections.list();
    if (!open.length) return;
    const rights = await readConnectionRights(this.deps.db, open);
    for (const connection of open) {
      const verdict = judgeConnection(rights.get(rightsKey(connection)), connection);
      if (verdict.action === 'keep') continue;
      this.deps.logger.info({ tokenId: connection.tokenId, code: verdict.code, reason: verdict.reason }, 'closing a kernel websocket that lost its rights');
      connection.end(verdict.code, verdict.reason);
    }
  }

  private async checkKernels(): Promise<void> {
    const owned = this.deps.kernels.ownedKernels().filter((k) => !this.stopping.has(k.record.id));
    if (!owned.length) return;
    const standings = await readKernelStandings(this.deps.db, owned.map((k) => k.record.id));
    for (const kernel of owned) {
      const standing = standings.get(kernel.record.id);
      const detail = stopDetail(standing);
      if (!detail) continue;
      const { id, projectId } = kernel.record;
      const projectDeleted = !standing || standing.project_deleted_at !== null;
      // Not awaited: a kernel's stop takes seconds, and the next pass must not wait for it.
      const stop = this.deps.kernels
        .stopRevoked(kernel, detail)
        .then(async () => {
          if (projectDeleted && (await purgeDeletedProjects(this.deps.db, [projectId])).length) {
            this.deps.logger.info({ projectId }, 'removed a deleted project: none of its kernels runs any more');
          }
        })
        .catch((err) => kernel.logger.warn({ err }, 'stopping a kernel that may no longer run failed'))
        .finally(() => this.stopping.delete(id));
      this.stopping.set(id, stop);
    }
  }
}
