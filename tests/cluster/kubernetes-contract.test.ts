// The shared provisioner contract (server/provisioners/provisioner-contract.ts) run against
// the kubernetes provisioner on the test cluster, with the gateway's least RBAC. No gateway
// here: nothing sweeps these pods, which have no kernel records.
import { after, before } from 'node:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { loadConfig } from '../../server/config';
import { provisionerContract } from '../../server/provisioners/provisioner-contract';
import { startKubernetesProvisioning, type TKubernetesProvisioning } from '../../server/provisioners/kubernetes/kubernetes-provisioning';
import { environmentSpec } from '../helpers/environment-spec';
import { createProject, createUserWithToken } from '../helpers/gateway';
import { createTestDatabase, type TTestDatabase } from '../helpers/postgres';
import { startCluster, type Cluster } from './cluster';
import { gatewayKubeconfig, KERNEL_PYTHON } from './kubernetes-gateway';

let cluster: Cluster;
let database: TTestDatabase;
let provisioning: TKubernetesProvisioning;
let dir: string;
const context = { owner: { projectId: '', userId: '' }, projectSlug: '' };

before(async () => {
  cluster = await startCluster({ nodes: 1 });
  dir = mkdtempSync(path.join(tmpdir(), 'lattice-k8s-'));
  process.env.KUBECONFIG = await gatewayKubeconfig(cluster, dir);
  database = await createTestDatabase();
  const { user } = await createUserWithToken(database.db);
  const project = await createProject(database.db, { ownerId: user.id, slug: `contract-${Date.now()}` });
  Object.assign(context.owner, { projectId: project.id, userId: user.id });
  context.projectSlug = project.slug;
  const { kubernetes } = loadConfig({ DATABASE_URL: 'postgres://unused', LATTICE_K8S_KERNEL_PYTHON: KERNEL_PYTHON });
  provisioning = await startKubernetesProvisioning({ config: kubernetes, db: database.db, logger: pino({ level: 'silent' }) });
}, { timeout: 1_200_000 }); // the cluster lock may be held by another run for up to 15 min

after(async () => {
  await provisioning?.close();
  await database?.drop();
  await cluster?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

provisionerContract({
  factory: () => provisioning.factory,
  environment: environmentSpec({ id: 'contract', slug: 'contract', name: 'Contract' }),
  timeoutMs: 30_000,
  context,
});
