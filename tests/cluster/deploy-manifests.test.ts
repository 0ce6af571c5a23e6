// deploy/kubernetes against a real API server: every manifest (and both kustomizations) is
// accepted by a server-side dry run with strict field validation, a broken one is refused,
// and the gateway's RBAC, applied for real, allows exactly what the gateway needs — checked
// verb by verb with SubjectAccessReviews and by acting as the gateway's ServiceAccount the way
// a project namespace is set up (namespace, kernel ServiceAccount, RoleBinding to the Spark
// driver role), including that it cannot hand out any other role.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse, parseAllDocuments } from 'yaml';
import { type Cluster, startCluster } from './cluster';
import { REPO_ROOT } from './config';

const K8S_DIR = path.join(REPO_ROOT, 'deploy/kubernetes');
const PLATFORM = path.join(K8S_DIR, 'platform');
const GATEWAY = 'system:serviceaccount:lattice-system:lattice-gateway';
const PROJECT_NS = 'lattice-project-demo';
const KERNEL_SA = 'lattice-kernel';

interface TManifest {
  kind: string;
  metadata: { name: string; namespace?: string };
}

function manifestFiles(dir = K8S_DIR): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? manifestFiles(path.join(dir, e.name)) : e.name.endsWith('.yaml') && e.name !== 'kustomization.yaml' ? [path.join(dir, e.name)] : []))
    .sort();
}

const manifestsOf = (file: string) => parseAllDocuments(readFileSync(file, 'utf8')).map((d) => d.toJS() as TManifest);
const idOf = (m: TManifest) => `${m.kind}/${m.metadata.name}`;

let cluster: Cluster;

/** Objects a (dry-run) apply answered with: a List for several, the object for one. */
function applied(output: string): string[] {
  const parsed = JSON.parse(output) as TManifest & { items?: TManifest[] };
  return (parsed.items ?? [parsed]).map(idOf).sort();
}

interface TAccess {
  verb: string;
  resource: string;
  group?: string;
  namespace?: string;
  name?: string;
  subresource?: string;
}

/** What the API server's authorizer answers for `user` (a SubjectAccessReview, as `kubectl auth can-i` asks). */
async function allowed(user: string, access: TAccess): Promise<boolean> {
  const review = await cluster.client.request<{ status: { allowed: boolean } }>('POST', '/apis/authorization.k8s.io/v1/subjectaccessreviews', {
    body: {
      apiVersion: 'authorization.k8s.io/v1',
      kind: 'SubjectAccessReview',
      spec: { user, groups: ['system:serviceaccounts', `system:serviceaccounts:${user.split(':')[2]}`, 'system:authenticated'], resourceAttributes: { group: '', ...access } },
    },
  });
  return review.status.allowed === true;
}

/** Runs kubectl as the gateway's ServiceAccount (impersonation: the admin may). */
const asGateway = (args: string[], input?: string) => cluster.kubectl([`--as=${GATEWAY}`, '--as-group=system:serviceaccounts', ...args], input === undefined ? undefined : { input });

describe('deploy/kubernetes on the test cluster', { timeout: 600_000 }, () => {
  before(async () => {
    cluster = await startCluster({ nodes: 1 });
    // Namespaced objects need their namespace to exist, even in a dry run.
    await cluster.kubectl(['apply', '-f', path.join(PLATFORM, 'namespace.yaml')]);
  });
  after(async () => {
    await cluster?.stop();
  });

  it('accepts every manifest in a server-side dry run with strict field validation', async () => {
    const files = manifestFiles();
    assert.ok(files.length >= 9, files.join(', '));
    for (const file of files) {
      const out = await cluster.kubectl(['apply', '--dry-run=server', '--validate=strict', '-o', 'json', '-f', file]);
      assert.deepEqual(applied(out), manifestsOf(file).map(idOf).sort(), path.relative(REPO_ROOT, file));
    }
  });

  it('accepts both kustomizations (the platform, and the try-out with Postgres) as a whole', async () => {
    const tryOut = path.join(K8S_DIR, 'try-out');
    const expected = {
      [PLATFORM]: manifestFiles(PLATFORM),
      // The try-out builds on the platform (`resources: [../platform]`).
      [tryOut]: manifestFiles(),
    };
    for (const [dir, files] of Object.entries(expected)) {
      const out = await cluster.kubectl(['apply', '--dry-run=server', '--validate=strict', '-o', 'json', '-k', dir]);
      assert.deepEqual(applied(out), files.flatMap(manifestsOf).map(idOf).sort(), path.relative(REPO_ROOT, dir));
    }
  });

  it('refuses a broken manifest: a misspelt field, an out-of-range port', async () => {
    const [deployment] = manifestsOf(path.join(PLATFORM, 'web.yaml')) as unknown as [{ spec: { template: { spec: { containers: Record<string, unknown>[] } } } }];
    const misspelt = structuredClone(deployment);
    const container = misspelt.spec.template.spec.containers[0]!;
    container.envFrm = container.envFrom;
    delete container.envFrom;
    await assert.rejects(cluster.kubectl(['apply', '--dry-run=server', '--validate=strict', '-f', '-'], { input: JSON.stringify(misspelt) }), /unknown field "spec\.template\.spec\.containers\[0\]\.envFrm"/);
    const badPort = structuredClone(deployment);
    badPort.spec.template.spec.containers[0]!.ports = [{ name: 'http', containerPort: 70000 }];
    await assert.rejects(cluster.kubectl(['apply', '--dry-run=server', '-f', '-'], { input: JSON.stringify(badPort) }), /containerPort: Invalid value: 70000/);
  });

  describe('RBAC, applied for real', () => {
    before(async () => {
      for (const file of ['gateway-rbac.yaml', 'spark-driver-role.yaml']) await cluster.kubectl(['apply', '-f', path.join(PLATFORM, file)]);
    });

    // Exactly the rights the gateway needs (issue 6 §3); every other verb on these and
    // neighbouring resources must be refused.
    const GRANTED: Record<string, string[]> = {
      '/pods': ['get', 'list', 'watch', 'create', 'delete'],
      '/secrets': ['get', 'create', 'delete'],
      '/events': ['get', 'list', 'watch'],
      '/resourcequotas': ['get', 'create', 'update', 'patch'],
      '/serviceaccounts': ['get', 'create'],
      '/namespaces': ['get', 'create'],
      'rbac.authorization.k8s.io/rolebindings': ['get', 'create'],
      'networking.k8s.io/networkpolicies': ['create', 'update', 'delete'],
      '/persistentvolumeclaims': ['create'],
      '/persistentvolumes': ['create'],
    };
    const CHECKED = [...Object.keys(GRANTED), '/configmaps', '/services', '/nodes', 'apps/deployments', 'rbac.authorization.k8s.io/roles', 'rbac.authorization.k8s.io/clusterroles', 'rbac.authorization.k8s.io/clusterrolebindings'];
    const VERBS = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete', 'deletecollection', 'bind', 'escalate', 'impersonate'];

    it('the gateway may do exactly its listed verbs, in project namespaces and on namespaces', async () => {
      const wrong: string[] = [];
      for (const key of CHECKED) {
        const [group, resource] = key.split('/') as [string, string];
        const namespace = ['namespaces', 'nodes', 'persistentvolumes', 'clusterroles', 'clusterrolebindings'].includes(resource) ? undefined : PROJECT_NS;
        for (const verb of VERBS) {
          const expected = GRANTED[key]?.includes(verb) ?? false;
          if ((await allowed(GATEWAY, { verb, resource, group, namespace })) !== expected) wrong.push(`${expected ? 'cannot' : 'can'} ${verb} ${key}`);
        }
      }
      assert.deepEqual(wrong, []);
      // Subresources are not implied: no exec into kernels, no reading their logs.
      assert.equal(await allowed(GATEWAY, { verb: 'create', resource: 'pods', subresource: 'exec', namespace: PROJECT_NS }), false);
      assert.equal(await allowed(GATEWAY, { verb: 'get', resource: 'pods', subresource: 'log', namespace: PROJECT_NS }), false);
    });

    it('the gateway may bind lattice-spark-driver and no other cluster role', async () => {
      const bind = (name: string) => allowed(GATEWAY, { verb: 'bind', resource: 'clusterroles', group: 'rbac.authorization.k8s.io', name });
      assert.equal(await bind('lattice-spark-driver'), true);
      for (const other of ['cluster-admin', 'admin', 'edit', 'lattice-gateway']) assert.equal(await bind(other), false, other);
    });

    it('acting as the gateway: sets up a project namespace with the Spark driver binding; cannot grant more or delete namespaces', async () => {
      await asGateway(['create', 'namespace', PROJECT_NS]);
      await asGateway(['create', 'serviceaccount', KERNEL_SA, '-n', PROJECT_NS]);
      const binding = (name: string, role: string) =>
        JSON.stringify({
          apiVersion: 'rbac.authorization.k8s.io/v1',
          kind: 'RoleBinding',
          metadata: { name, namespace: PROJECT_NS },
          roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: role },
          subjects: [{ kind: 'ServiceAccount', name: KERNEL_SA, namespace: PROJECT_NS }],
        });
      await asGateway(['create', '-f', '-'], binding('lattice-spark-driver', 'lattice-spark-driver'));
      // RBAC's escalation check: without `bind` on it, a role the gateway does not itself hold cannot be handed out.
      await assert.rejects(asGateway(['create', '-f', '-'], binding('sneaky', 'admin')), /forbidden/i);
      await assert.rejects(asGateway(['delete', 'namespace', PROJECT_NS]), /forbidden/i);
      await assert.rejects(asGateway(['create', 'clusterrole', 'mine', '--verb=get', '--resource=pods']), /forbidden/i);
      await assert.rejects(asGateway(['get', 'secrets', '-A']), /forbidden/i);
    });

    it('the kernels\' ServiceAccount, so bound, manages executors in its own project namespace only', async () => {
      const kernel = `system:serviceaccount:${PROJECT_NS}:${KERNEL_SA}`;
      const role = parse(readFileSync(path.join(PLATFORM, 'spark-driver-role.yaml'), 'utf8')) as { rules: { resources: string[]; verbs: string[] }[] };
      for (const rule of role.rules) {
        for (const resource of rule.resources) {
          for (const verb of rule.verbs) {
            assert.equal(await allowed(kernel, { verb, resource, namespace: PROJECT_NS }), true, `${verb} ${resource}`);
            assert.equal(await allowed(kernel, { verb, resource, namespace: 'lattice-system' }), false, `${verb} ${resource} in lattice-system`);
          }
        }
      }
      // Nor may a driver loosen its namespace's NetworkPolicies.
      const groups: Record<string, string> = { rolebindings: 'rbac.authorization.k8s.io', networkpolicies: 'networking.k8s.io' };
      for (const [verb, resource] of [['get', 'secrets'], ['create', 'persistentvolumeclaims'], ['create', 'rolebindings'], ['delete', 'networkpolicies'], ['update', 'networkpolicies'], ['create', 'networkpolicies']] as const) {
        assert.equal(await allowed(kernel, { verb, resource, namespace: PROJECT_NS, group: groups[resource] ?? '' }), false, `${verb} ${resource}`);
      }
    });
  });
});
