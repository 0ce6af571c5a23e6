// Entry point of the pod agent process (started by cluster.ts, detached).
//   node --import tsx tests/cluster/agent-main.ts --kubeconfig F --state DIR --logs DIR --ready FILE
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { PodAgent } from './agent';

const { values } = parseArgs({
  options: {
    kubeconfig: { type: 'string' },
    state: { type: 'string' },
    logs: { type: 'string' },
    ready: { type: 'string' },
  },
});
if (!values.kubeconfig || !values.state || !values.logs) {
  console.error('usage: agent-main.ts --kubeconfig F --state DIR --logs DIR [--ready FILE]');
  process.exit(2);
}

const agent = new PodAgent({ kubeconfig: values.kubeconfig, stateDir: values.state, logDir: values.logs });
let stopping = false;
async function shutdown(sig: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  console.error(`[pod-agent] ${sig}: stopping all pods`);
  try {
    await agent.stop();
  } finally {
    process.exit(0);
  }
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));

await agent.start();
if (values.ready) writeFileSync(values.ready, String(process.pid));
