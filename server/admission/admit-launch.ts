import { sql } from 'drizzle-orm';
import { totalRequest } from '../../common/environment';
import { AppError } from '../../common/errors';
import { checkLaunch, describeBlock, type TQuotaBlock } from '../../common/quota';
import type { TDb, TDbOrTx } from '../../db/client';
import { loadQuotaState } from '../../db/quotas';
import { kernelEvents, kernels } from '../../db/schema';
import { AdmissionQueue } from './admission-queue';
import type { TKernelRecord } from '../kernels/kernel-record';

/** Advisory-lock namespaces (first key of `pg_advisory_xact_lock(int, int)`): "LAU" + 1/2. */
const USER_LOCK = 0x4c415501;
const PROJECT_LOCK = 0x4c415502;

/**
 * Serialises launches that count against the same user or project. Always the user first,
 * then the project: every transaction takes them in that order, so two launches can wait
 * for each other but never deadlock. Released when the transaction ends.
 */
export async function lockQuotaSubjects(tx: TDbOrTx, subject: { userId: string; projectId: string }): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(${USER_LOCK}, hashtext(${subject.userId}))`);
  await tx.execute(sql`select pg_advisory_xact_lock(${PROJECT_LOCK}, hashtext(${subject.projectId}))`);
}

/** The refusal a person reads: every limit the launch would break, with limit and current use. */
export class QuotaRefusal extends AppError {
  constructor(readonly blocks: readonly TQuotaBlock[]) {
    super('QUOTA_EXCEEDED', blocks.map(describeBlock).join(' '), Object.fromEntries(blocks.map((b) => [`${b.scope}.${b.limit}`, describeBlock(b)])));
  }
}

/** One admission queue per process: it is the pool's connections that waiting must not hold. */
const turns = new AdmissionQueue();

/**
 * Admission (DESIGN 4.4): in one transaction, lock the user and the project, measure what
 * they hold (active kernels with Spark executors, this month's metered units), and either
 * insert the kernel `queued` — so the next launch, waiting on the same locks, counts it — or
 * record it `failed: quota` and throw QUOTA_EXCEEDED naming the limits. Concurrent launches
 * can therefore never exceed a quota. Lowering a quota only affects later launches.
 */
export async function admitLaunch(db: TDb, record: TKernelRecord, gatewayId: string): Promise<void> {
  const refusal = await turns.run([`user:${record.userId}`, `project:${record.projectId}`], () => admitInTransaction(db, record, gatewayId));
  if (refusal) throw refusal;
}

function admitInTransaction(db: TDb, record: TKernelRecord, gatewayId: string): Promise<AppError | null> {
  return db.transaction(async (tx) => {
    await lockQuotaSubjects(tx, record);
    const state = await loadQuotaState(tx, { userId: record.userId, projectId: record.projectId, now: record.requestedAt });
    const blocks = checkLaunch(state, totalRequest(record.environment));
    if (blocks.length === 0) {
      await tx.insert(kernels).values({ ...record, gatewayId });
      await tx.insert(kernelEvents).values({ kernelId: record.id, fromState: null, toState: record.state });
      return null;
    }
    const error = new QuotaRefusal(blocks);
    // Recorded so the project's dashboard can show refused launches and why.
    await tx.insert(kernels).values({ ...record, state: 'failed', reason: 'quota', detail: error.message, stoppedAt: new Date(), gatewayId });
    await tx.insert(kernelEvents).values([
      { kernelId: record.id, fromState: null, toState: 'queued' },
      { kernelId: record.id, fromState: 'queued', toState: 'failed', reason: 'quota', detail: error.message },
    ]);
    return error;
  });
}
