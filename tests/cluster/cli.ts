// npm run cluster:build | cluster:up | cluster:down
//   build [--force]   build (or confirm cached) binaries
//   up [--nodes N]    build if needed, start the cluster, leave it running
//   down              stop everything `up` (or a crashed test) started
//   status            print binaries / cluster state
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { binariesCurrent, buildBinaries, readStamp } from './build';
import { binDir, buildKey, dataDir } from './config';

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: { force: { type: 'boolean' }, nodes: { type: 'string' } },
});
const cmd = positionals[0];

async function main(): Promise<void> {
  switch (cmd) {
    case 'build': {
      const s = await buildBinaries({ force: values.force });
      console.log(`binaries: ${binDir()} (built ${s.builtAt} in ${s.seconds}s, peak RSS ${s.peakRssKiB ?? '?'} KiB)`);
      return;
    }
    case 'up': {
      await buildBinaries();
      const { startCluster } = await import('./cluster');
      const c = await startCluster({ nodes: values.nodes ? Number(values.nodes) : undefined });
      console.log(`cluster up: ${c.server}`);
      console.log(`export KUBECONFIG=${c.kubeconfig}`);
      console.log(`nodes: ${c.nodeNames.join(' ')}`);
      return;
    }
    case 'down': {
      const { stopCluster } = await import('./cluster');
      await stopCluster();
      console.log('cluster down');
      return;
    }
    case 'status': {
      console.log(`build key: ${buildKey()}`);
      console.log(`binaries: ${binDir()} ${binariesCurrent() ? 'current' : 'MISSING/STALE'}`);
      const s = readStamp();
      if (s) console.log(`stamp: ${JSON.stringify(s)}`);
      const kc = `${dataDir()}/kubeconfig`;
      console.log(`cluster: ${existsSync(kc) ? `kubeconfig ${kc}` : 'not running'}`);
      return;
    }
    default:
      console.error('usage: tsx tests/cluster/cli.ts build [--force] | up [--nodes N] | down | status');
      process.exit(2);
  }
}

main().then(
  () => process.exit(0),
  (e: Error) => {
    console.error(e.stack ?? e.message);
    process.exit(1);
  },
);
