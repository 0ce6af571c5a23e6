import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import type { TDb } from '../../db/client';
import { KernelStore, type TTransition } from './state-store';

/**
 * A warm-pool kernel has no row in `kernels` until a launch claims it (a row needs an owner
 * and a project, and an unowned kernel must count against no quota). Until then what a
 * later gateway needs to reap it — its provisioner's `toInfo()` — lives in a ledger file,
 * `<dataDir>/pool/<kernel id>.json`; its state changes are not recorded anywhere.
 */
export class PoolLedger {
  constructor(private readonly dir: string) {}

  private file(kernelId: string): string {
    return path.join(this.dir, `${kernelId}.json`);
  }

  async write(kernelId: string, provisioner: string, info: Record<string, unknown>): Promise<void> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    await writeFile(this.file(kernelId), JSON.stringify({ provisioner, info }), { mode: 0o600 });
  }

  async remove(kernelId: string): Promise<void> {
    await rm(this.file(kernelId), { force: true });
  }

  /** Kernels an earlier gateway left in its pool (it was killed, or exited without cleaning up). */
  async leftovers(): Promise<Array<{ kernelId: string; provisioner: string; info: unknown }>> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch {
      return [];
    }
    const out: Array<{ kernelId: string; provisioner: string; info: unknown }> = [];
    for (const name of names.filter((n) => n.endsWith('.json'))) {
      const kernelId = name.slice(0, -'.json'.length);
      try {
        const entry = ZLedgerEntry.parse(JSON.parse(await readFile(path.join(this.dir, name), 'utf8')));
        out.push({ kernelId, ...entry });
      } catch {
        await this.remove(kernelId);
      }
    }
    return out;
  }
}

const ZLedgerEntry = z.object({ provisioner: z.string(), info: z.unknown() });

/**
 * The store a pooled kernel's `ManagedKernel` writes through: launch info goes to the pool
 * ledger and transitions nowhere while the kernel waits; once `claim()`ed (its row exists)
 * everything goes to Postgres like any kernel's.
 */
export class PoolKernelStore extends KernelStore {
  private claimed = false;
  private launchInfo: { provisionerState: Record<string, unknown>; connection: Record<string, unknown> } | null = null;

  constructor(
    db: TDb,
    private readonly ledger: PoolLedger,
    private readonly provisionerName: string,
  ) {
    super(db);
  }

  override async transition(kernelId: string, ...changes: TTransition[]): Promise<void> {
    if (this.claimed) await super.transition(kernelId, ...changes);
  }

  override async saveLaunch(kernelId: string, provisionerState: Record<string, unknown>, connection: Record<string, unknown>): Promise<void> {
    if (this.claimed) return super.saveLaunch(kernelId, provisionerState, connection);
    this.launchInfo = { provisionerState, connection };
    await this.ledger.write(kernelId, this.provisionerName, provisionerState);
  }

  override async writeActivity(kernelId: string, at: Date): Promise<void> {
    if (this.claimed) await super.writeActivity(kernelId, at);
  }

  /** The kernel's row now exists: its reattach info moves from the ledger to Postgres. */
  async claim(kernelId: string): Promise<void> {
    this.claimed = true;
    if (this.launchInfo) await super.saveLaunch(kernelId, this.launchInfo.provisionerState, this.launchInfo.connection);
    await this.ledger.remove(kernelId);
  }
}
