import type { TEnvironmentSpec } from '../../common/environment';
import type { TExecutor, TLaunchProgressInfo } from '../../common/kernel-model';
import type { TKernelState } from '../../common/kernel-states';

/** A kernel as the gateway tracks it: the columns of `kernels` that the model and lifecycle use. */
export interface TKernelRecord {
  id: string;
  projectId: string;
  notebookId: string | null;
  userId: string;
  environmentId: string | null;
  environment: TEnvironmentSpec;
  kernelspecName: string;
  provisioner: string;
  state: TKernelState;
  reason: string | null;
  detail: string | null;
  requestedAt: Date;
  startedAt: Date | null;
  lastActivityAt: Date;
  stoppedAt: Date | null;
  /** The latest launch step while provisioning; null once ready (or never launched). */
  progress: TLaunchProgressInfo | null;
  /** Spark executors as last read from the provisioner; null without Spark. */
  executors: TExecutor[] | null;
  /** True while a pre-started kernel waits in a warm pool, owned by no one (see warm-pool.ts). */
  pooled?: boolean;
}

/** A kernel asked for just now, not yet launched: `queued`, no history. Launches and the warm pool build theirs here. */
export function newKernelRecord(
  fields: Pick<TKernelRecord, 'id' | 'projectId' | 'notebookId' | 'userId' | 'environment' | 'kernelspecName'> & { pooled?: boolean },
): TKernelRecord {
  const now = new Date();
  return {
    ...fields,
    environmentId: fields.environment.id,
    provisioner: fields.environment.provisioner,
    state: 'queued',
    reason: null,
    detail: null,
    requestedAt: now,
    startedAt: null,
    lastActivityAt: now,
    stoppedAt: null,
    progress: null,
    executors: null,
  };
}
