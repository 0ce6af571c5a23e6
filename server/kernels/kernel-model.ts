import { computeUnitsPerHour } from '../../common/metering';
import type { TKernelModel } from '../../common/kernel-model';
import { toExecutionState } from '../../common/kernel-states';
import type { TKernelRecord } from './kernel-record';

/** The API model of a kernel (jupyter_server fields + `lattice`). */
export function toKernelModel(record: TKernelRecord, connections: number): TKernelModel {
  const env = record.environment;
  const ended = record.state === 'failed' || record.state === 'dead';
  return {
    id: record.id,
    name: record.kernelspecName,
    last_activity: record.lastActivityAt.toISOString(),
    execution_state: toExecutionState(record.state),
    connections,
    ...(ended && record.reason ? { reason: record.reason } : {}),
    lattice: {
      state: record.state,
      reason: record.reason,
      detail: record.detail,
      projectId: record.projectId,
      notebookId: record.notebookId,
      userId: record.userId,
      environment: {
        slug: env.slug,
        name: env.name,
        cpuLimitM: env.cpuLimitM,
        memoryLimitMib: env.memoryLimitMib,
        gpus: env.gpus,
        computeUnitsPerHour: computeUnitsPerHour(env),
      },
      startedAt: record.startedAt?.toISOString() ?? null,
      progress: record.progress,
      executors: record.executors,
    },
  };
}
