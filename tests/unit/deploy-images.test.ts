// The Dockerfiles in deploy/, checked without Docker (this machine has none): what each
// image copies exists and is sent in the build context, images run as a non-root user,
// ports and settings match the config schemas, Python pins match tests/requirements.txt,
// kernel images start the command the kubernetes provisioner gives them, and the PySpark
// image's executor entrypoint really starts Spark's Kubernetes executor backend.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { builtinModules } from 'node:module';
import path from 'node:path';
import { describe, it } from 'node:test';
import { ZGatewayEnv } from '../../server/config';
import { ipykernelCommand } from '../../server/kernels/ipykernel-command';
import { CONNECTION_FILE } from '../../server/provisioners/kubernetes/pod-manifest';
import { SPARK_STARTUP_SCRIPT_IN_IMAGE, sparkKernelArgs } from '../../server/spark/spark-conf';
import { GATEWAY_BUNDLE } from '../../scripts/build-gateway';
import { readStartConfig } from '../../scripts/start-config';
import { testPython } from '../helpers/python';

const ROOT = path.resolve(import.meta.dirname, '../..');
const DEPLOY = path.join(ROOT, 'deploy');

interface TInstruction {
  op: string;
  flags: Record<string, string>;
  args: string;
}

/** Instructions of a Dockerfile, continuation lines joined, comments dropped, `--flag=value`s split off. */
function parseDockerfile(file: string): TInstruction[] {
  const text = readFileSync(path.join(DEPLOY, file), 'utf8');
  const lines = text.split('\n').filter((l) => !/^\s*#/.test(l));
  const joined = lines.join('\n').replace(/\\\n/g, ' ');
  return joined
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .map((line) => {
      const [op, ...rest] = line.split(/\s+/);
      const flags: Record<string, string> = {};
      while (rest[0]?.startsWith('--')) {
        const [name, value = ''] = rest.shift()!.slice(2).split('=');
        flags[name!] = value;
      }
      return { op: op!.toUpperCase(), flags, args: rest.join(' ') };
    });
}

/** The instructions of the last stage: what the image that runs is made of. */
function finalStage(instructions: TInstruction[]): TInstruction[] {
  const from = instructions.map((i) => i.op).lastIndexOf('FROM');
  return instructions.slice(from);
}

function envOf(stage: TInstruction[]): Record<string, string> {
  const env: Record<string, string> = {};
  for (const i of stage.filter((s) => s.op === 'ENV')) {
    for (const m of i.args.matchAll(/(\w+)=(\S+)/g)) env[m[1]!] = m[2]!;
  }
  return env;
}

function execForm(stage: TInstruction[], op: 'CMD' | 'ENTRYPOINT'): string[] | null {
  const found = stage.filter((s) => s.op === op).at(-1);
  return found ? (JSON.parse(found.args) as string[]) : null;
}

/** Requirement lines of tests/requirements.txt by package name: the pins the test suite runs with. */
function testRequirement(name: string): string {
  const line = readFileSync(path.join(ROOT, 'tests/requirements.txt'), 'utf8')
    .split('\n')
    .find((l) => l.startsWith(name) && /^[\w-]+\s*[<>=!]/.test(l));
  assert.ok(line, `tests/requirements.txt pins ${name}`);
  return line!.trim();
}

const IGNORED = readFileSync(path.join(DEPLOY, 'build-context.dockerignore'), 'utf8')
  .split('\n')
  .map((l) => l.trim())
  .filter((l) => l && !l.startsWith('#'));

/** Whether the build context leaves `source` out (the patterns used here: paths, `**\/name`, `**\/*.ext`). */
function ignoredByContext(source: string): boolean {
  const parts = source.replace(/\/+$/, '').split('/');
  return IGNORED.some((pattern) => {
    if (pattern.startsWith('**/*')) return source.endsWith(pattern.slice(4));
    if (pattern.startsWith('**/')) return parts.includes(pattern.slice(3));
    return source === pattern || source.startsWith(`${pattern}/`);
  });
}

const IMAGES = ['web.Dockerfile', 'gateway.Dockerfile', 'kernel-python.Dockerfile', 'kernel-pyspark.Dockerfile'];
const gatewayDefaults = ZGatewayEnv.parse({ DATABASE_URL: 'postgres://unused' });

describe('deploy/ Dockerfiles', () => {
  for (const file of IMAGES) {
    describe(file, () => {
      const instructions = parseDockerfile(file);
      const stage = finalStage(instructions);

      it('copies only files that exist in the repository and are in the build context', () => {
        const copies = instructions.filter((i) => (i.op === 'COPY' || i.op === 'ADD') && !i.flags.from);
        for (const copy of copies) {
          const sources = copy.args.split(/\s+/).slice(0, -1);
          for (const source of sources) {
            assert.ok(existsSync(path.join(ROOT, source)), `${file}: COPY ${source} — no such path in the repository`);
            assert.ok(!ignoredByContext(source), `${file}: COPY ${source} — excluded by deploy/build-context.dockerignore`);
          }
        }
      });

      it('has a .dockerignore of its own that is the shared build-context file', () => {
        const own = path.join(DEPLOY, `${file}.dockerignore`);
        assert.equal(readFileSync(own, 'utf8'), readFileSync(path.join(DEPLOY, 'build-context.dockerignore'), 'utf8'));
      });

      it('runs as a numeric non-root user', () => {
        const user = stage.filter((s) => s.op === 'USER').at(-1)?.args;
        assert.ok(user, `${file}: the final stage sets USER`);
        // Numeric, so Kubernetes' runAsNonRoot can verify it without /etc/passwd.
        assert.match(user!, /^\d+$/);
        assert.notEqual(Number(user), 0);
      });

      it('takes ipykernel’s version from python/kernel-requirements.txt, as npm start and the tests do', () => {
        if (file === 'web.Dockerfile') return;
        const copy = stage.find((s) => s.op === 'COPY' && !s.flags.from && s.args.startsWith('python/kernel-requirements.txt '));
        assert.ok(copy, `${file} copies python/kernel-requirements.txt`);
        const dest = copy!.args.split(/\s+/).at(-1)!;
        const install = stage.find((s) => s.op === 'RUN' && /pip install/.test(s.args));
        assert.match(install?.args ?? '', new RegExp(`(-r|-c) ${dest.replace(/[.]/g, '\\.')}(\\s|$)`), `${file} installs with -r/-c ${dest}`);
        assert.doesNotMatch(readFileSync(path.join(DEPLOY, file), 'utf8'), /ipykernel\s*[<>=]/, `${file} pins no ipykernel of its own`);
      });
    });
  }

  it('web: listens on the web port `npm start` uses, on every interface', () => {
    const stage = finalStage(parseDockerfile('web.Dockerfile'));
    const port = readStartConfig({ NODE_ENV: 'production' }).LATTICE_WEB_PORT;
    assert.deepEqual(stage.filter((s) => s.op === 'EXPOSE').map((s) => s.args), [String(port)]);
    const cmd = execForm(stage, 'CMD')!;
    assert.equal(cmd[cmd.indexOf('--port') + 1], String(port));
    assert.equal(cmd[cmd.indexOf('--hostname') + 1], '0.0.0.0');
  });

  it('gateway: its ENV are gateway settings that parse, and it exposes the port it listens on', () => {
    const stage = finalStage(parseDockerfile('gateway.Dockerfile'));
    const env = envOf(stage);
    const settings = Object.fromEntries(Object.entries(env).filter(([k]) => k.startsWith('LATTICE_')));
    for (const key of Object.keys(settings)) assert.ok(key in ZGatewayEnv.shape, `${key} is a gateway setting`);
    const parsed = ZGatewayEnv.parse({ ...settings, DATABASE_URL: 'postgres://unused' });
    assert.equal(parsed.LATTICE_GATEWAY_HOST, '0.0.0.0');
    assert.equal(parsed.LATTICE_GATEWAY_PORT, gatewayDefaults.LATTICE_GATEWAY_PORT);
    assert.deepEqual(stage.filter((s) => s.op === 'EXPOSE').map((s) => s.args), [String(parsed.LATTICE_GATEWAY_PORT)]);
    // Local kernels run with the venv that has ipykernel.
    assert.ok(stage.some((s) => s.op === 'RUN' && s.args.includes(`${path.dirname(path.dirname(parsed.LATTICE_PYTHON))} `)));
    // The bundle of server/main.ts under plain node, built in an earlier stage by the script `npm start` uses.
    const bundle = path.relative(ROOT, GATEWAY_BUNDLE);
    assert.deepEqual(execForm(stage, 'CMD'), ['node', bundle]);
    const all = parseDockerfile('gateway.Dockerfile');
    const built = all.find((s) => s.op === 'RUN' && s.args === 'node --import tsx scripts/build-gateway.ts');
    assert.ok(built, 'a stage runs scripts/build-gateway.ts');
    const builder = all.slice(0, all.indexOf(built!)).filter((s) => s.op === 'FROM').at(-1)!.args.split(/\s+/).at(-1);
    assert.ok(stage.some((s) => s.op === 'COPY' && s.flags.from === builder && s.args === `/app/${path.dirname(bundle)} ./${path.dirname(bundle)}`), 'the image takes the bundle from that stage');
  });

  it('gateway: everything its entry points import is copied into the image or a production dependency', () => {
    const stage = finalStage(parseDockerfile('gateway.Dockerfile'));
    const copied = stage.filter((s) => s.op === 'COPY' && !s.flags.from).flatMap((s) => s.args.split(/\s+/).slice(0, -1));
    const inImage = (file: string) => !ignoredByContext(file) && copied.some((c) => file === c || file.startsWith(`${c.replace(/\/$/, '')}/`));
    const dependencies = new Set(Object.keys((JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string> }).dependencies));
    const builtins = new Set(builtinModules);
    // `npm ci --omit=dev` installs only `dependencies`; the image runs these two programs.
    const queue = ['server/main.ts', 'deploy/prepare-database.ts'];
    const seen = new Set<string>();
    const missing: string[] = [];
    while (queue.length) {
      const file = queue.pop()!;
      if (seen.has(file)) continue;
      seen.add(file);
      if (!inImage(file)) missing.push(`${file} (not copied)`);
      const source = readFileSync(path.join(ROOT, file), 'utf8');
      // Value imports and re-exports; `import type` is erased and needs nothing at run time.
      for (const m of source.matchAll(/^(?:import|export)\s+(?!type\b)(?:[^'";]*?\s+from\s+)?'([^']+)'/gm)) {
        const spec = m[1]!;
        if (spec.startsWith('.')) {
          const base = path.join(path.dirname(file), spec);
          const resolved = [base, `${base}.ts`, `${base}/index.ts`].find((f) => existsSync(path.join(ROOT, f)) && statSync(path.join(ROOT, f)).isFile());
          assert.ok(resolved, `${file} imports ${spec}, which does not exist`);
          queue.push(resolved!);
        } else if (!spec.startsWith('node:') && !builtins.has(spec)) {
          const pkg = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!;
          if (!dependencies.has(pkg)) missing.push(`${spec} from ${file} (not a production dependency)`);
        }
      }
    }
    assert.ok(seen.has('server/app.ts') && seen.has('db/migrate.ts'), 'the walk follows imports');
    assert.deepEqual(missing, []);
  });

  it('kernel images start the command the kubernetes provisioner runs', () => {
    const ipykernel = ipykernelCommand(gatewayDefaults.LATTICE_K8S_KERNEL_PYTHON, CONNECTION_FILE);
    assert.deepEqual(execForm(finalStage(parseDockerfile('kernel-python.Dockerfile')), 'CMD'), ipykernel);
    const spark = finalStage(parseDockerfile('kernel-pyspark.Dockerfile'));
    assert.deepEqual(execForm(spark, 'CMD'), [...ipykernel, ...sparkKernelArgs(SPARK_STARTUP_SCRIPT_IN_IMAGE)]);
    const startup = spark.find((s) => s.op === 'COPY' && s.args.startsWith('server/spark/'));
    assert.equal(startup?.args.split(/\s+/).at(-1), SPARK_STARTUP_SCRIPT_IN_IMAGE);
  });

  it('kernel-pyspark: pins pyspark as the test suite does; its executor entrypoint is executable', () => {
    const pin = testRequirement('pyspark');
    const text = readFileSync(path.join(DEPLOY, 'kernel-pyspark.Dockerfile'), 'utf8');
    assert.ok(text.includes(`'${pin}'`), `kernel-pyspark.Dockerfile installs '${pin}'`);
    const version = pin.split('==')[1]!;
    assert.ok(text.includes(`spark-kubernetes_2.12-${version}.jar`), 'the jar check names the pinned version');
    const stage = finalStage(parseDockerfile('kernel-pyspark.Dockerfile'));
    const entry = stage.find((s) => s.op === 'COPY' && s.args.startsWith('deploy/kernel-pyspark-entrypoint.sh'))!;
    assert.equal(entry.flags.chmod, '0755');
    assert.ok(statSync(path.join(DEPLOY, 'kernel-pyspark-entrypoint.sh')).mode & 0o100, 'executable in the repository too');
    assert.deepEqual(execForm(stage, 'ENTRYPOINT'), ['/usr/bin/tini', '--', entry.args.split(/\s+/).at(-1)]);
  });
});

/** A port nothing listens on: the executor's driver URL, so it fails right after starting. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('deploy/kernel-pyspark-entrypoint.sh', () => {
  it('runs other commands as given', () => {
    const out = spawnSync('sh', [path.join(DEPLOY, 'kernel-pyspark-entrypoint.sh'), 'echo', 'a  b'], { encoding: 'utf8' });
    assert.equal(out.status, 0);
    assert.equal(out.stdout, 'a  b\n');
  });

  it('starts Spark Kubernetes executor backend for `executor`, with Spark\'s SPARK_* variables and JVM options in order', { timeout: 120_000 }, async () => {
    const python = testPython();
    const found = spawnSync(python, ['-c', 'import os, pyspark; print(os.path.dirname(pyspark.__file__))'], { encoding: 'utf8' });
    assert.equal(found.status, 0, `pyspark (tests/requirements.txt) is installed in ${python}: ${found.stderr}`);
    const port = await closedPort();
    const child = spawn('sh', [path.join(DEPLOY, 'kernel-pyspark-entrypoint.sh'), 'executor'], {
      env: {
        ...process.env,
        SPARK_HOME: found.stdout.trim(),
        // What Spark 3.5's executor pod spec sets (BasicExecutorFeatureStep).
        SPARK_DRIVER_URL: `spark://CoarseGrainedScheduler@127.0.0.1:${port}`,
        SPARK_EXECUTOR_ID: '7',
        SPARK_EXECUTOR_CORES: '1',
        SPARK_EXECUTOR_MEMORY: '256m',
        SPARK_APPLICATION_ID: 'spark-application-1',
        SPARK_EXECUTOR_POD_IP: '127.0.0.1',
        SPARK_EXECUTOR_POD_NAME: 'kernel-x-exec-7',
        SPARK_RESOURCE_PROFILE_ID: '0',
        // The JVM prints its system properties: how the options arrived.
        SPARK_JAVA_OPT_0: '-XshowSettings:properties',
        SPARK_JAVA_OPT_10: '-Dlattice.test.order=10',
        SPARK_JAVA_OPT_2: '-Dlattice.test.order=2',
        SPARK_JAVA_OPT_1: '-Dlattice.test.spaced=a b',
      },
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d));
    child.stderr.on('data', (d: Buffer) => (output += d));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    // The backend parsed its arguments, started, and tried the driver we gave it.
    assert.match(output, /KubernetesExecutorBackend: Started daemon/);
    assert.match(output, new RegExp(`Failed to connect to /127\\.0\\.0\\.1:${port}`));
    assert.notEqual(code, 0);
    // Options in the order of their index (10 after 2: the later -D wins), spaces kept.
    assert.match(output, /lattice\.test\.order = 10\n/);
    assert.match(output, /lattice\.test\.spaced = a b\n/);
  });
});
