/**
 * `npm run bench:sandbox [-- --reps=N]`: what the local kernel sandbox (issue 10 §1) costs a
 * cold start. The same kernel is started by the local provisioner three ways, alternating
 * (each rep rotates which goes first): LATTICE_LOCAL_SANDBOX=off, sandbox with network
 * `none`, sandbox with network `egress` (slirp4netns). Measured from `launch()` to the first
 * kernel_info_reply. Also the bare wrapper: kernel-launcher.sh + setpriv + bwrap (+ unshare and
 * slirp4netns for egress) running `/bin/true`, against `/bin/true` spawned directly.
 * Results: a table on stdout, results/sandbox-cold-start.json and bench/README.md's section.
 *
 * Fairness: no cgroup limits on any side (joining a cgroup costs every side the same and is
 * measured by `npm run bench`); the client polls the kernel's shell endpoint every 2 ms and
 * connects once it accepts, so ZeroMQ's reconnect back-off (100 ms … 1 s) does not quantise
 * the result. Needs root, bwrap, slirp4netns (what the gateway's sandbox needs).
 */
import { spawn } from 'node:child_process';
import { closeSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os, { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { randomUUID } from 'node:crypto';
import { pino } from 'pino';
import type { TEnvironmentSpec } from '../common/environment';
import { loadConfig } from '../server/config';
import { localProvisionerFactory } from '../server/provisioners/local-provisioner';
import { KernelSandbox } from '../server/provisioners/local-sandbox/kernel-sandbox';
import { SECCOMP_FD } from '../server/provisioners/local-sandbox/sandbox-argv';
import { testPython } from '../tests/helpers/python';
import { connectFloor, kernelListening } from './floor-client';
import { KernelConversation } from './kernel-client';
import { describeMachine, replaceReadmeSection } from './report';
import { alternate } from './scenario';
import { median, percentile, since } from './stats';

const { values: args } = parseArgs({ options: { reps: { type: 'string', default: '12' }, 'wrapper-reps': { type: 'string', default: '30' } } });
const reps = Number(args.reps);
const wrapperReps = Number(args['wrapper-reps']);
const TARGET_MS = 30;
const HERE = import.meta.dirname;

if (process.getuid?.() !== 0) throw new Error('the sandbox bench needs root (the sandbox starts kernels as other uids)');
const python = testPython();
const machine = describeMachine(python);
const dataDir = await mkdtemp(path.join(tmpdir(), 'lattice-bsb-'));
const logger = pino({ level: 'silent' });
const gatewayConfig = loadConfig({ ...process.env, DATABASE_URL: 'postgres://unused', LATTICE_PYTHON: python, LATTICE_DATA_DIR: dataDir });
const { uidMin, uidMax } = gatewayConfig.localSandbox;
const sandbox = await KernelSandbox.start({ dataDir, python, uidMin, uidMax, uidOfUser: async () => uidMin + 1, logger });
const localConfig = { python, dataDir, baseEnv: gatewayConfig.kernelBaseEnv, sparkMaster: null };
const factories = { off: localProvisionerFactory(localConfig, undefined, null), on: localProvisionerFactory(localConfig, undefined, sandbox) };
const owner = { projectId: 'bench', userId: 'bench' };

function environment(network: TEnvironmentSpec['network']): TEnvironmentSpec {
  return {
    id: 'bench', slug: 'bench', name: 'Bench', language: 'python', argv: null, image: null,
    cpuRequestM: 1000, cpuLimitM: 1000, memoryRequestMib: 1024, memoryLimitMib: 1024, gpus: 0, spark: null,
    idleTimeoutS: 3600, noClientTimeoutS: 600, provisioner: 'local', poolSize: 0, network,
  };
}

type TSide = 'off' | 'none' | 'egress';

/** One cold start: provisioner launch → shell accepts → first kernel_info_reply; then kill and clean up. */
async function coldStart(side: TSide): Promise<number> {
  const kernelId = randomUUID();
  const provisioner = (side === 'off' ? factories.off : factories.on).create({ kernelId, logger, owner });
  const t0 = performance.now();
  const connection = await provisioner.launch({ kernelId, environment: environment(side === 'egress' ? 'egress' : 'none'), env: {} }, () => undefined);
  try {
    await kernelListening(connection);
    const client = new KernelConversation(connectFloor(connection));
    await client.kernelInfo(60_000);
    const ms = since(t0);
    await client.close();
    return ms;
  } finally {
    await provisioner.kill({ restart: false });
    await provisioner.cleanup({ restart: false });
  }
}

/** `argv` to exit, `fd3` (the seccomp program) passed as the launcher expects. */
function runToExit(argv: readonly string[], fd3?: number): Promise<number> {
  const stdio: Array<'ignore' | number> = ['ignore', 'ignore', 'ignore'];
  if (fd3 !== undefined) stdio[SECCOMP_FD] = fd3;
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0], argv.slice(1), { stdio, env: { PATH: process.env.PATH ?? '/usr/bin:/bin' } as Partial<NodeJS.ProcessEnv> as NodeJS.ProcessEnv });
    child.once('error', reject);
    child.once('exit', (code: number | null) => (code === 0 ? resolve(since(t0)) : reject(new Error(`${argv.slice(0, 3).join(' ')} … exited ${code}`))));
  });
}

/** The wrapper alone: kernel-launcher.sh + bwrap running /bin/true in a fresh sandbox. */
async function wrapped(network: 'none' | 'egress'): Promise<number> {
  const placement = await sandbox.place(`wrapper-${randomUUID()}`, owner);
  const { argv, seccompFd } = await sandbox.command(placement, network, ['/bin/true']);
  try {
    return await runToExit(argv, seccompFd);
  } finally {
    closeSync(seccompFd);
    await rm(placement.privateDir, { recursive: true, force: true });
  }
}

const began = performance.now();
let cold: Record<TSide, number[]>;
/** The wrapper's layers one at a time, each around /bin/true (where its milliseconds go). */
const KERNEL_UID = String(uidMin + 1);
const AS_KERNEL = ['setpriv', `--reuid=${KERNEL_UID}`, `--regid=${KERNEL_UID}`, '--clear-groups', '--no-new-privs', '--inh-caps=-all', '--bounding-set=-all', '--'];
const LAYERS: Record<string, string[]> = {
  'sh -c': ['/bin/sh', '-c', '/bin/true'],
  'unshare --pid --fork --mount-proc': ['unshare', '--pid', '--fork', '--kill-child', '--mount-proc', '--', '/bin/true'],
  setpriv: [...AS_KERNEL, '/bin/true'],
  'setpriv + bwrap --unshare-all (no network namespace)': [...AS_KERNEL, 'bwrap', '--unshare-all', '--share-net', '--ro-bind', '/usr', '/usr', '--symlink', 'usr/lib', '/lib', '--symlink', 'usr/lib64', '/lib64', '--proc', '/proc', '--dev', '/dev', '--tmpfs', '/tmp', '--cap-drop', 'ALL', '--', '/usr/bin/true'],
  'setpriv + bwrap --unshare-all (with its network namespace)': [...AS_KERNEL, 'bwrap', '--unshare-all', '--ro-bind', '/usr', '/usr', '--symlink', 'usr/lib', '/lib', '--symlink', 'usr/lib64', '/lib64', '--proc', '/proc', '--dev', '/dev', '--tmpfs', '/tmp', '--cap-drop', 'ALL', '--', '/usr/bin/true'],
  'setpriv + unshare --user --net': [...AS_KERNEL, 'unshare', '--user', '--map-current-user', '--net', '--', '/bin/true'],
};
let wrapper: Record<string, number[]>;
try {
  // One unmeasured start per side warms the page cache (Python's modules, bwrap, slirp4netns).
  for (const side of ['off', 'none', 'egress'] as const) await coldStart(side);
  cold = await alternate(reps, { off: () => coldStart('off'), none: () => coldStart('none'), egress: () => coldStart('egress') });
  wrapper = await alternate(wrapperReps, {
    direct: () => runToExit(['/bin/true']),
    none: () => wrapped('none'),
    egress: () => wrapped('egress'),
    ...Object.fromEntries(Object.entries(LAYERS).map(([name, argv]) => [name, () => runToExit(argv)])),
  });
} finally {
  await rm(dataDir, { recursive: true, force: true });
}

const fmt = (ms: number) => `${ms.toFixed(1)} ms`;
const rows: Array<{ what: string; median: number; p90: number; overhead: number | null; target: string; note: string }> = [];
const m = (xs: number[]) => median(xs);
/** Median of the per-round differences (the sides of one round ran back to back), less sensitive to load drifting between rounds. */
const paired = (xs: number[], base: number[]) => median(xs.map((x, i) => x - base[i]));
rows.push({ what: 'cold start, sandbox off (LATTICE_LOCAL_SANDBOX=off)', median: m(cold.off), p90: percentile(cold.off, 90), overhead: null, target: '—', note: 'tcp loopback ports, the gateway\'s uid' });
for (const side of ['none', 'egress'] as const) {
  const overhead = paired(cold[side], cold.off);
  rows.push({ what: `cold start, sandbox on, network ${side}`, median: m(cold[side]), p90: percentile(cold[side], 90), overhead, target: `≤ ${TARGET_MS} ms`, note: side === 'none' ? 'ipc sockets, bwrap, seccomp, own uid' : 'as none, plus unshare + slirp4netns before the kernel runs' });
}
rows.push({ what: '/bin/true, direct', median: m(wrapper.direct), p90: percentile(wrapper.direct, 90), overhead: null, target: '—', note: 'spawn → exit' });
for (const side of ['none', 'egress'] as const) {
  rows.push({ what: `/bin/true in kernel-launcher.sh + bwrap, network ${side}`, median: m(wrapper[side]), p90: percentile(wrapper[side], 90), overhead: paired(wrapper[side], wrapper.direct), target: '—', note: 'spawn → exit' });
}
for (const name of Object.keys(LAYERS)) {
  rows.push({ what: `layer: ${name}, /bin/true`, median: m(wrapper[name]), p90: percentile(wrapper[name], 90), overhead: paired(wrapper[name], wrapper.direct), target: '—', note: 'one layer of the wrapper alone' });
}
const table = [
  '| measurement | median | p90 | overhead (median of paired differences) | target | result | notes |',
  '| --- | --- | --- | --- | --- | --- | --- |',
  ...rows.map((r) => {
    const result = r.target === '—' || r.overhead === null ? '—' : r.overhead <= TARGET_MS ? 'pass' : 'MISS';
    return `| ${r.what} | ${fmt(r.median)} | ${fmt(r.p90)} | ${r.overhead === null ? '—' : `${r.overhead >= 0 ? '+' : ''}${r.overhead.toFixed(1)} ms`} | ${r.target} | ${result} | ${r.note} |`;
  }),
].join('\n');
const seconds = (performance.now() - began) / 1000;
const header = [
  `Measured ${machine.date.slice(0, 16).replace('T', ' ')} UTC, commit ${machine.commit}, whole run ${Math.round(seconds)} s; ${reps} cold starts per side, ${wrapperReps} wrapper runs per side, alternating.  `,
  `Machine: ${machine.nproc} × ${machine.cpu.split(' ').slice(0, 2).join(' ')}, Linux ${machine.kernel.split(' ')[1]}; 1-min load average ${machine.load.start.toFixed(1)} at the start, ${os.loadavg()[0].toFixed(1)} at the end.  `,
  `Software: Node ${machine.node}; Python ${machine.python}, ipykernel ${machine.ipykernel}, pyzmq ${machine.pyzmq}.`,
].join('\n');
console.log(`\n${table}\n`);
await mkdir(path.join(HERE, 'results'), { recursive: true });
await writeFile(path.join(HERE, 'results', 'sandbox-cold-start.json'), `${JSON.stringify({ machine, reps, wrapperReps, seconds, samples: { cold, wrapper }, rows }, null, 2)}\n`);
await replaceReadmeSection('<!-- sandbox:start -->', '<!-- sandbox:end -->', `${header}\n\n${table}`);
console.log('results in bench/results/sandbox-cold-start.json and bench/README.md');
process.exit(0);
