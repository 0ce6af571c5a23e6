/**
 * Preloaded (`node --import`) in front of the gateway bundle, as bench-gateway.ts starts it:
 * the IPC channel through which the benchmark asks the gateway process for a settled memory
 * reading, its CPU time and a CPU profile of a chosen window, and tells it to stop. The
 * gateway itself is `.build/gateway.mjs` exactly as `npm start` runs it; this module only
 * listens for the benchmark's messages. Compiled to plain JS by bench-gateway.ts (no tsx in
 * the process, as in production).
 */
import { writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';
import { settledMemory } from './process-memory';

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

/** The gateway's own SIGTERM handler (server/main.ts) stops its kernels and exits. */
const stop = () => process.kill(process.pid, 'SIGTERM');

process.on('message', (request: { type: string; action?: 'start' | 'stop'; file?: string }) => {
  if (request.type === 'memory') void settledMemory().then((memory) => process.send?.({ type: 'memory', memory }));
  else if (request.type === 'profile') void profile(request as { action: 'start' | 'stop'; file?: string });
  else if (request.type === 'cpu') process.send?.({ type: 'cpu', usage: process.cpuUsage() });
  else if (request.type === 'stop') stop();
});
// The benchmark gone (Ctrl-C, a crash): never leave a gateway and its kernels behind.
process.on('disconnect', stop);
