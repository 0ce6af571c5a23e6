/**
 * `npm run bench:software [-- --reps=3] [-- --stack-cold-reps=N]`: how long building an
 * environment's software takes with pip and with uv (issue 15 §3 suggests uv "for speed —
 * measure it against pip"). The same package list is built into a fresh virtualenv on
 * /usr/bin/python3.11 both ways:
 *   pip: `python3.11 -m venv <dir>` + `<dir>/bin/python -m pip install -r <list>`
 *   uv:  `uv venv --python python3.11 <dir>` + `uv pip install --python <dir>/bin/python -r <list>`
 * for two lists (`requests==2.31.0`, and the default stack python/kernel-requirements.txt),
 * cold (an empty cache directory, PIP_CACHE_DIR / UV_CACHE_DIR) and warm (the same cache
 * again, into another fresh virtualenv). Each rep rotates which installer goes first; the
 * timed span is venv creation + install, wall clock. Every build is checked afterwards (each
 * pinned distribution present at its pin), outside the timed span.
 * Results: a table on stdout, results/software-build.json and bench/README.md's section.
 *
 * uv is `.data/venv/bin/uv` (the machine preparation installs it); the run stops if it is
 * missing. Both installers fetch from the same index (PyPI, as configured on this machine);
 * PIP_FIND_LINKS is cleared so pip does not consult a local wheel directory uv would not.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { describeMachine, replaceReadmeSection } from './report';
import { median, since } from './stats';

const { values: args } = parseArgs({ options: { reps: { type: 'string', default: '3' }, 'stack-cold-reps': { type: 'string' } } });
const reps = Number(args.reps);
const stackColdReps = Number(args['stack-cold-reps'] ?? reps);
for (const [name, n] of [['reps', reps], ['stack-cold-reps', stackColdReps]] as const) {
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} takes a positive whole number`);
}

const ROOT = path.resolve(import.meta.dirname, '..');
const BASE_PYTHON = '/usr/bin/python3.11';
const UV = path.join(ROOT, '.data/venv/bin/uv');
const STACK_FILE = path.join(ROOT, 'python/kernel-requirements.txt');
if (!existsSync(UV)) throw new Error(`${UV} is missing: install it with .data/venv/bin/python -m pip install uv==0.13.9`);
if (!existsSync(BASE_PYTHON)) throw new Error(`${BASE_PYTHON} is missing: the benchmark builds on Debian's python3.11`);

type TInstaller = 'pip' | 'uv';
type TCache = 'cold' | 'warm';
interface TPackageList {
  id: string;
  label: string;
  file: string;
  coldReps: number;
}

const began = performance.now();
const log = (line: string) => console.log(`[bench:software ${((performance.now() - began) / 1000).toFixed(0).padStart(4)} s] ${line}`);
const work = await mkdtemp(path.join(tmpdir(), 'lattice-bsw-'));

/** The variables both installers run with: the machine's own, with caches pointed at `cacheDir` and no local wheel directory. */
function installerEnv(cacheDir: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, PIP_CACHE_DIR: cacheDir, UV_CACHE_DIR: cacheDir, UV_PYTHON_DOWNLOADS: 'never', PIP_DISABLE_PIP_VERSION_CHECK: '1' };
  delete env.PIP_FIND_LINKS;
  delete env.VIRTUAL_ENV;
  return env;
}

/** Runs `argv` to exit 0; on failure throws with the tail of what it printed (the installer's error). */
function run(argv: readonly string[], env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0], argv.slice(1), { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    child.stderr.on('data', (b: Buffer) => (out += b.toString()));
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`${argv.slice(0, 4).join(' ')} … exited ${code}:\n${out.slice(-2000)}`))));
  });
}

function buildCommands(installer: TInstaller, venv: string, file: string): string[][] {
  const python = path.join(venv, 'bin/python');
  return installer === 'pip'
    ? [[BASE_PYTHON, '-m', 'venv', venv], [python, '-m', 'pip', 'install', '--quiet', '-r', file]]
    : [[UV, 'venv', '--quiet', '--python', BASE_PYTHON, venv], [UV, 'pip', 'install', '--quiet', '--python', python, '-r', file]];
}

/** `name==version` pins of a requirements file (comments and blank lines skipped). */
async function pins(file: string): Promise<Array<[string, string]>> {
  return (await readFile(file, 'utf8'))
    .split('\n')
    .map((line) => line.replace(/#.*/, '').trim())
    .filter(Boolean)
    .map((line) => {
      const [name, version] = line.split('==');
      if (!version) throw new Error(`${file}: "${line}" is not pinned with ==; the check compares exact versions`);
      return [name.trim(), version.trim()];
    });
}

/** Fails unless every pinned distribution is installed in `venv` at its pin: a timing only counts for a build that worked. */
async function checkBuild(venv: string, expected: Array<[string, string]>): Promise<void> {
  const script = `import json, sys, importlib.metadata as m\nprint(json.dumps({n: m.version(n) for n in sys.argv[1:]}))`;
  const found = JSON.parse(await run([path.join(venv, 'bin/python'), '-c', script, ...expected.map(([n]) => n)], installerEnv(work))) as Record<string, string>;
  const wrong = expected.filter(([n, v]) => found[n] !== v).map(([n, v]) => `${n} ${found[n]} (want ${v})`);
  if (wrong.length) throw new Error(`${venv}: ${wrong.join(', ')}`);
}

interface TBuildTime {
  totalMs: number;
  /** The first step alone: creating the virtualenv (pip's includes bootstrapping pip into it). */
  venvMs: number;
}

/** One timed build into a fresh virtualenv with `cacheDir`; the venv is removed afterwards. */
async function build(installer: TInstaller, list: TPackageList, cacheDir: string, expected: Array<[string, string]>): Promise<TBuildTime> {
  const venv = await mkdtemp(path.join(work, `${installer}-venv-`));
  await rm(venv, { recursive: true });
  const env = installerEnv(cacheDir);
  try {
    const [makeVenv, install] = buildCommands(installer, venv, list.file);
    const t0 = performance.now();
    await run(makeVenv, env);
    const venvMs = since(t0);
    await run(install, env);
    const totalMs = since(t0);
    await checkBuild(venv, expected);
    return { totalMs, venvMs };
  } finally {
    await rm(venv, { recursive: true, force: true });
  }
}

const requestsFile = path.join(work, 'requests.txt');
await writeFile(requestsFile, 'requests==2.31.0\n');
const lists: TPackageList[] = [
  { id: 'requests', label: '`requests==2.31.0`', file: requestsFile, coldReps: reps },
  { id: 'stack', label: 'default stack (python/kernel-requirements.txt)', file: STACK_FILE, coldReps: stackColdReps },
];
const machine = describeMachine(BASE_PYTHON);
const versions = {
  python: (await run([BASE_PYTHON, '-c', 'import platform; print(platform.python_version())'], process.env)).trim(),
  pip: (await run([BASE_PYTHON, '-c', 'import ensurepip; print(ensurepip.version())'], process.env)).trim(),
  uv: (await run([UV, '--version'], process.env)).trim(),
};
log(`pip ${versions.pip} (the one python3.11 -m venv installs), ${versions.uv}; ${reps} reps (${stackColdReps} cold for the default stack), work dir ${work}`);

type TSamples = Record<TInstaller, Record<TCache, TBuildTime[]>>;
const samples: Record<string, TSamples> = {};
try {
  for (const list of lists) {
    const expected = await pins(list.file);
    const s: TSamples = { pip: { cold: [], warm: [] }, uv: { cold: [], warm: [] } };
    samples[list.id] = s;
    const caches = { pip: path.join(work, `cache-${list.id}-pip`), uv: path.join(work, `cache-${list.id}-uv`) };
    for (let rep = 0; rep < reps; rep++) {
      const order: TInstaller[] = rep % 2 === 0 ? ['pip', 'uv'] : ['uv', 'pip'];
      const cold = rep < list.coldReps;
      for (const installer of order) {
        let coldMs: TBuildTime | null = null;
        if (cold) {
          // Each cold build starts from an empty cache; past the cold reps asked for, the warm builds reuse the last one.
          await rm(caches[installer], { recursive: true, force: true });
          await mkdir(caches[installer]);
          coldMs = await build(installer, list, caches[installer], expected);
          s[installer].cold.push(coldMs);
        }
        const warmMs = await build(installer, list, caches[installer], expected);
        s[installer].warm.push(warmMs);
        log(`${list.id.padEnd(8)} rep ${rep + 1}/${reps} ${installer.padEnd(3)} cold ${coldMs === null ? '      —' : `${(coldMs.totalMs / 1000).toFixed(2).padStart(7)} s`}  warm ${(warmMs.totalMs / 1000).toFixed(2).padStart(7)} s`);
      }
    }
  }
} finally {
  await rm(work, { recursive: true, force: true });
}
const seconds = since(began) / 1000;
machine.load.end = os.loadavg()[0];

const fmt = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const header = ['package list', 'cache', 'pip: venv + pip install, median (venv step)', 'uv: uv venv + uv pip install, median (venv step)', 'uv / pip', 'runs'];
const rows = lists.flatMap((list) =>
  (['cold', 'warm'] as const).map((cache) => {
    const pip = median(samples[list.id].pip[cache].map((b) => b.totalMs));
    const uv = median(samples[list.id].uv[cache].map((b) => b.totalMs));
    const venvPart = (installer: TInstaller) => `(venv ${fmt(median(samples[list.id][installer][cache].map((b) => b.venvMs)))})`;
    const runs = samples[list.id].pip[cache].length;
    return { list: list.id, cache, pipMs: pip, uvMs: uv, ratio: uv / pip, runs, cells: [list.label, cache, `${fmt(pip)} ${venvPart('pip')}`, `${fmt(uv)} ${venvPart('uv')}`, `${(uv / pip).toFixed(2)}×`, String(runs)] };
  }),
);
const table = [header, header.map(() => '---'), ...rows.map((r) => r.cells)].map((cells) => `| ${cells.join(' | ')} |`).join('\n');
const about = [
  `Measured ${machine.date.slice(0, 16).replace('T', ' ')} UTC, commit ${machine.commit}, whole run ${Math.round(seconds)} s; ${machine.nproc} × ${machine.cpu}; ` +
    `1-min load average ${machine.load.start.toFixed(1)} at the start, ${machine.load.end.toFixed(1)} at the end.`,
  `Base Python ${versions.python} (${BASE_PYTHON}); pip ${versions.pip} (what \`python3.11 -m venv\` installs); ${versions.uv}; packages from PyPI.`,
].join('  \n');
console.log(`\n${about}\n\n${table}\n`);

const file = path.join(import.meta.dirname, 'results', 'software-build.json');
await mkdir(path.dirname(file), { recursive: true });
await writeFile(file, `${JSON.stringify({ machine, versions, reps, stackColdReps, seconds: Math.round(seconds), rows: rows.map(({ cells: _cells, ...r }) => r), samples }, null, 2)}\n`);
await replaceReadmeSection('<!-- software-build:start -->', '<!-- software-build:end -->', `${about}\n\n${table}`);
log(`results in ${path.relative(process.cwd(), file)} and bench/README.md`);
