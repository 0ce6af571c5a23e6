/**
 * The memory floor: a bare Node process that holds, per kernel, what any direct ZeroMQ
 * client must (DEALER shell + control, SUB iopub, one answered kernel_info) and nothing
 * else. Started by `processes.ts` with `--expose-gc`; never run by hand.
 */
import type { TConnectionInfo } from '../server/zmq/connection-info';
import { connectFloor } from './floor-client';
import { KernelConversation } from './kernel-client';
import { settledMemory } from './process-memory';

const held: KernelConversation[] = [];
process.send?.({ type: 'ready', port: 0 });

process.on('message', (request: { type: string; connections?: TConnectionInfo[] }) => {
  if (request.type === 'memory') {
    void settledMemory().then((memory) => process.send?.({ type: 'memory', memory }));
  } else if (request.type === 'hold') {
    void (async () => {
      for (const connection of request.connections ?? []) {
        const client = new KernelConversation(connectFloor(connection));
        await client.awaitIopub();
        held.push(client);
      }
      process.send?.({ type: 'held', count: held.length });
    })();
  } else if (request.type === 'stop') {
    void Promise.all(held.map((c) => c.close())).finally(() => process.exit(0));
  }
});
