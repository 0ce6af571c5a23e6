/**
 * `npm test`: prepares the machine (scripts/prepare-machine.sh, unless LATTICE_MACHINE_PREPARED=1
 * says it is done), then one embedded Postgres for the whole run, then every test group in turn
 * with Node's test runner. Each test file creates its own database on that cluster.
 * Usage: npm test [-- group...]   groups: unit integration conformance e2e cluster
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startEmbeddedPostgres } from '../db/embedded-postgres';

const ROOT = path.resolve(import.meta.dirname, '..');

function findTests(dir: string): string[] {
  const abs = path.join(ROOT, dir);
  if (!existsSync(abs)) return [];
  const out: string[] = [];
  for (const entry of readdirSync(abs)) {
    if (entry === 'node_modules' || entry.startsWith('.')) continue;
    const rel = path.join(dir, entry);
    if (statSync(path.join(ROOT, rel)).isDirectory()) out.push(...findTests(rel));
    else if (entry.endsWith('.test.ts')) out.push(rel);
  }
  return out.sort();
}

const GROUPS: Record<string, () => string[]> = {
  unit: () => [...findTests('common'), ...findTests('db'), ...findTests('lib'), ...findTests('components'), ...findTests('server'), ...findTests('scripts'), ...findTests('tests/unit')],
  // bench/: the benchmark's own machinery (its table, the peer servers it starts), not its timings.
  integration: () => [...findTests('tests/integration'), ...findTests('bench')],
  conformance: () => findTests('tests/conformance'),
  e2e: () => findTests('tests/e2e'),
  cluster: () => findTests('tests/cluster'),
};

function run(files: string[], env: NodeJS.ProcessEnv, concurrency: number): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', '--test', `--test-concurrency=${concurrency}`, ...files], {
      cwd: ROOT,
      env,
      stdio: 'inherit',
    });
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

if (process.env.LATTICE_MACHINE_PREPARED !== '1') {
  const prepared = spawnSync('bash', [path.join(ROOT, 'scripts', 'prepare-machine.sh'), '--skip-npm-ci'], { cwd: ROOT, stdio: 'inherit' });
  if (prepared.status !== 0) process.exit(prepared.status ?? 1);
}

const wanted = process.argv.slice(2).filter((a) => a in GROUPS);
const groups = wanted.length ? wanted : Object.keys(GROUPS);
const dir = await mkdtemp(path.join(tmpdir(), 'lattice-test-pg-'));
const port = 20000 + Math.floor(Math.random() * 20000);
const pg = await startEmbeddedPostgres({ dataDir: path.join(dir, 'data'), port });
const env = { ...process.env, LATTICE_TEST_PG_URL: pg.adminUrl };

let failed = 0;
try {
  for (const group of groups) {
    const files = GROUPS[group]();
    if (!files.length) continue;
    console.log(`\n=== ${group}: ${files.length} file(s)`);
    // Kernel-heavy groups run one file at a time: this is a 2-core machine.
    const code = await run(files, env, group === 'unit' ? 2 : 1);
    if (code !== 0) {
      failed++;
      console.log(`=== ${group} FAILED (exit ${code})`);
    }
  }
} finally {
  await pg.stop();
  await rm(dir, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
