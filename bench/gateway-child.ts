/**
 * The gateway under test, as its own process: exactly what `server/main.ts` builds, plus an
 * IPC channel through which the benchmark asks for a settled memory reading and CPU time.
 * Started by `processes.ts` with `--expose-gc`; never run by hand.
 */
import { writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';
import type { AddressInfo } from 'node:net';
import { connectDb } from '../db/client';
import { buildApp } from '../server/app';
import { loadConfig } from '../server/config';
import { settledMemory } from './process-memory';

const config = loadConfig();
const database = connectDb(config.databaseUrl);
const app = await buildApp({ db: database.db, config });
await app.fastify.listen({ host: config.host, port: config.port });
process.send?.({ type: 'ready', port: (app.fastify.server.address() as AddressInfo).port });

let stopping = false;
/** As main.ts on SIGTERM: kernels are stopped (LATTICE_KERNELS_ON_EXIT=stop), then the process ends. */
function stop(): void {
  if (stopping) return;
  stopping = true;
  void app
    .close()
    .then(() => database.close())
    .finally(() => process.exit(0));
}

/** A CPU profile of a chosen window (the benchmark's measurement), not of start-up and shutdown. */
let profiler: Session | null = null;
async function profile(request: { action: 'start' | 'stop'; file?: string }): Promise<void> {
  if (request.action === 'start') {
    profiler = new Session();
    profiler.connect();
    await profiler.post('Profiler.enable');
    await profiler.post('Profiler.start');
  } else if (profiler) {
    const { profile: taken } = await profiler.post('Profiler.stop');
    profiler.disconnect();
    profiler = null;
    if (request.file) await writeFile(request.file, JSON.stringify(taken));
  }
  process.send?.({ type: 'profile' });
}

process.on('message', (request: { type: string; action?: 'start' | 'stop'; file?: string }) => {
  if (request.type === 'memory') void settledMemory().then((memory) => process.send?.({ type: 'memory', memory }));
  else if (request.type === 'profile') void profile(request as { action: 'start' | 'stop'; file?: string });
  else if (request.type === 'cpu') process.send?.({ type: 'cpu', usage: process.cpuUsage() });
  else if (request.type === 'stop') stop();
});
// Ctrl-C on the benchmark, or the benchmark gone: never leave kernels behind.
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, stop);
process.on('disconnect', stop);
