import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { environments } from '../../db/schema';
import { approvedKernels, kernelspecsFor, withApprovedKernel } from './kernelspecs';

type TRow = typeof environments.$inferSelect;

const row = (over: Partial<TRow>): TRow => ({
  id: over.slug ?? 'x',
  projectId: null,
  slug: 'x',
  name: 'X',
  description: '',
  language: 'python',
  argv: null,
  image: null,
  cpuRequestM: 500,
  cpuLimitM: 1000,
  memoryRequestMib: 512,
  memoryLimitMib: 1024,
  gpus: 0,
  spark: null,
  placement: { nodeSelector: {}, tolerations: [] },
  idleTimeoutS: 3600,
  noClientTimeoutS: 600,
  provisioner: 'local',
  poolSize: 0,
  network: 'egress',
  baseEnvironmentId: null,
  pythonVersion: null,
  packages: '',
  softwareBuildId: null,
  archivedAt: null,
  createdAt: new Date(0),
  updatedAt: new Date(0),
  ...over,
});

const rArgv = ['R', '-e', 'IRkernel::main()', '--args', '{connection_file}'];
const r = row({ slug: 'r', language: 'R', argv: rArgv, image: 'ghcr.io/acme/r:4.4', poolSize: 2 });
const retired = row({ slug: 'retired', argv: ['old', '{connection_file}'], archivedAt: new Date(0) });
const rogue = row({ slug: 'rogue', projectId: 'p', argv: ['miner', '{connection_file}'], image: 'evil/miner', poolSize: 5 });
const sized = row({ slug: 'sized', projectId: 'p', baseEnvironmentId: 'r', cpuLimitM: 4000, argv: ['ignored', '{connection_file}'] });
const orphan = row({ slug: 'orphan', projectId: 'p', baseEnvironmentId: 'retired' });
const projects = new Map([['p', { id: 'p', name: 'Project P' }]]);

test('a global template runs its own kernel command, image and pool', () => {
  assert.equal(withApprovedKernel(r, approvedKernels([r])), r);
});

test('a project template never runs the command, image or pool of its own row', () => {
  const approved = withApprovedKernel(rogue, approvedKernels([r, rogue]));
  assert.deepEqual([approved?.argv, approved?.image, approved?.poolSize], [null, null, 0]);
});

test('a project template runs its global kernel with its own hardware, and nothing once that kernel is archived', () => {
  const approved = withApprovedKernel(sized, approvedKernels([r, sized]));
  assert.deepEqual([approved?.argv, approved?.image, approved?.language, approved?.cpuLimitM, approved?.poolSize], [rArgv, 'ghcr.io/acme/r:4.4', 'R', 4000, 0]);
  assert.equal(withApprovedKernel(orphan, approvedKernels([r, retired, orphan])), null);
  // A project template cannot lend its kernel: only global ones are approved.
  assert.equal(withApprovedKernel(row({ slug: 'chained', projectId: 'p', baseEnvironmentId: 'sized' }), approvedKernels([sized])), null);
});

test('kernelspecs show the approved kernel and leave out templates whose kernel was withdrawn', () => {
  const { kernelspecs } = kernelspecsFor([r, rogue, sized, orphan], () => 'signal', projects);
  assert.deepEqual(kernelspecs.sized.spec.argv, rArgv);
  assert.deepEqual(kernelspecs.rogue.spec.argv, ['python', '-m', 'ipykernel_launcher', '-f', '{connection_file}']);
  assert.equal((kernelspecs.rogue.spec.metadata.lattice as { poolSize: number }).poolSize, 0);
  assert.equal(kernelspecs.orphan, undefined);
});

test('a template’s network setting reaches its kernelspec, a project template keeping its own', () => {
  const offline = row({ slug: 'offline', network: 'none' });
  const sizedOffline = row({ slug: 'sized-offline', projectId: 'p', baseEnvironmentId: 'r', network: 'none' });
  const { kernelspecs } = kernelspecsFor([r, offline, sizedOffline], () => 'signal', projects);
  const network = (name: string) => (kernelspecs[name].spec.metadata.lattice as { network: string }).network;
  assert.deepEqual([network('r'), network('offline'), network('sized-offline')], ['egress', 'none', 'none']);
});

test('each kernelspec says which project it belongs to: null for a global template', () => {
  const { kernelspecs } = kernelspecsFor([r, sized], () => 'signal', projects);
  const project = (name: string) => (kernelspecs[name].spec.metadata.lattice as { project: unknown }).project;
  assert.equal(project('r'), null);
  assert.deepEqual(project('sized'), { id: 'p', name: 'Project P' });
});

test('the default kernelspec is listed first, python3 naming the default template', () => {
  const fallback = row({ slug: 'default' });
  const listed = kernelspecsFor([row({ slug: 'aaa', projectId: 'p' }), fallback, r], () => 'message', projects);
  assert.equal(listed.default, 'python3');
  assert.deepEqual(Object.keys(listed.kernelspecs), ['python3', 'aaa', 'default', 'r']);
  assert.equal((listed.kernelspecs.python3.spec.metadata.lattice as { environmentId: string }).environmentId, fallback.id);
  // Without a default template the first one is the default, and comes first.
  const bare = kernelspecsFor([row({ slug: 'zed' }), row({ slug: 'alpha' })], () => 'message', projects);
  assert.equal(bare.default, 'zed');
  assert.equal(Object.keys(bare.kernelspecs)[0], 'zed');
});
