import { formatMemory } from '@/common/environment';
import type { TKernelModel } from '@/common/kernel-model';
import { describeReason, isTerminal } from '@/common/kernel-states';
import { RequestError } from '@/lib/client/request-error';
import type { TCellNotice } from './notebook-model';

/** A run whose reply will never come: the kernel died, was stopped, restarted, or the connection to it was dropped. */
export class KernelLostError extends Error {
  /** `restarted`: the connection saw the kernel restart (a restart from elsewhere, or the kernel's own auto-restart). */
  constructor(readonly kernelId: string, readonly restarted: boolean, cause: unknown) {
    super(`The kernel went away before the reply (${(cause as Error)?.message ?? cause})`);
  }
}

/** The kernel's end as the cell that was running shows it, from the gateway's record (pure; see {@link explainLoss}). */
export function lossNotice(kernelId: string, model: TKernelModel | null, restarted: boolean): TCellNotice {
  const kind = 'lost';
  if (!model) return { kind, kernelId, text: `The connection to the kernel was lost; it is gone. Run the cell to start a new kernel.` };
  const l = model.lattice;
  if (l.state === 'dead' && l.reason === 'oom-killed') {
    return { kind, kernelId, offerLarger: true, text: `Kernel died: out of memory (limit ${formatMemory(l.environment.memoryLimitMib)}).` };
  }
  if (l.state === 'stopped' || l.state === 'stopping') {
    // The gateway writes who stopped it ("Stopped by Ada Lovelace from the dashboard").
    return { kind, kernelId, text: `${l.detail ?? 'The kernel was stopped.'}` };
  }
  if (l.state === 'dead' || l.state === 'failed') {
    const why = describeReason(l.reason);
    return { kind, kernelId, text: `Kernel ${l.state}${why ? `: ${why}` : ''}${l.detail ? ` — ${l.detail}` : ''}.` };
  }
  if (restarted) return { kind, kernelId, text: `The kernel restarted before this cell finished; its variables are gone.` };
  return { kind, kernelId, text: `The connection to the kernel was lost while this cell ran. The kernel kept running; output sent meanwhile is not shown here.` };
}

/**
 * How long to wait for the gateway to record why a kernel went away (a stop is `stopping` for a
 * moment, a kill is noticed at the next poll); a kernel still alive after it was only cut off.
 */
const SETTLE_MS = 8_000;

/**
 * Asks the gateway what became of `kernelId` until its record says (the websocket usually
 * closes before the state is written), then words it for the cell.
 */
export async function explainLoss(getKernel: (id: string) => Promise<TKernelModel>, lost: KernelLostError): Promise<TCellNotice> {
  const { kernelId, restarted } = lost;
  const deadline = Date.now() + SETTLE_MS;
  let model: TKernelModel | null = null;
  for (;;) {
    try {
      model = await getKernel(kernelId);
    } catch (err) {
      if (err instanceof RequestError && err.status === 404) return lossNotice(kernelId, null, restarted);
    }
    // A kernel killed (out of memory) reads `busy` until the gateway notices; only a restart settles on a live state.
    const live = model?.lattice.state === 'idle' || model?.lattice.state === 'busy';
    const settled = model && (isTerminal(model.lattice.state) || (restarted && live));
    if (settled || Date.now() > deadline) return lossNotice(kernelId, model, restarted);
    await new Promise((r) => setTimeout(r, 300));
  }
}
