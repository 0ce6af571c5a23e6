import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildPodManifest, buildScript } from './build-pod-manifest';
import { failureMessage, lockFromReport } from './kubernetes-software-builder';

test('a build pod: the environment\'s image and Python, hardened, only its own scratch space of the store, the proxy when set', () => {
  const pod = buildPodManifest({ namespace: 'lattice-system', podName: 'lattice-build-b1', buildId: 'b1', image: 'lattice/kernel-python:1', python: 'python', runAsUser: 1000, proxy: 'http://proxy:3128' });
  const spec = pod.spec!;
  assert.equal(spec.restartPolicy, 'Never');
  assert.equal(spec.automountServiceAccountToken, false);
  assert.deepEqual(spec.securityContext, { runAsNonRoot: true, runAsUser: 1000, runAsGroup: 1000 });
  const [c] = spec.containers;
  assert.equal(c.image, 'lattice/kernel-python:1');
  assert.deepEqual(c.command!.slice(0, 2), ['/bin/sh', '-c']);
  assert.deepEqual(c.securityContext, { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, runAsNonRoot: true, capabilities: { drop: ['ALL'] }, seccompProfile: { type: 'RuntimeDefault' } });
  assert.deepEqual(c.volumeMounts, [
    { name: 'build', mountPath: '/build', subPath: 'builds/b1' },
    { name: 'tmp', mountPath: '/tmp' },
  ]);
  assert.deepEqual(spec.volumes, [
    { name: 'build', persistentVolumeClaim: { claimName: 'lattice-software' } },
    { name: 'tmp', emptyDir: {} },
  ]);
  assert.deepEqual(c.env!.find((e) => e.name === 'HTTPS_PROXY'), { name: 'HTTPS_PROXY', value: 'http://proxy:3128' });
  const direct = buildPodManifest({ namespace: 'lattice-system', podName: 'p', buildId: 'b1', image: 'i', python: 'python', runAsUser: 1000, proxy: null });
  assert.ok(!direct.spec!.containers[0].env!.some((e) => e.name === 'HTTPS_PROXY'));
  assert.throws(() => buildPodManifest({ namespace: 'n', podName: 'p', buildId: '../envs', image: 'i', python: 'python', runAsUser: 1000, proxy: null }), /not a software build id/);
});

test('the build script installs with the image\'s Python into the scratch space, pins pyspark to the image\'s own, and writes the exit code last', () => {
  const script = buildScript('/usr/bin/python3');
  assert.match(script, /'\/usr\/bin\/python3' -m pip install .*--target \/build\/site-packages -r \/build\/requirements\.txt -c constraints\.txt --report \/build\/report\.json/);
  assert.match(script, /echo "pyspark==\$spark" > constraints\.txt/);
  assert.ok(script.trimEnd().endsWith('echo $code > /build/exit-code\nexit $code'));
});

test('the lock: one pinned, hashed line per installed distribution, sorted, from pip\'s report', () => {
  const report = JSON.stringify({
    version: '1',
    install: [
      { metadata: { name: 'requests', version: '2.31.0' }, download_info: { url: 'https://x/requests.whl', archive_info: { hash: 'sha256=aaa', hashes: { sha256: 'aaa' } } } },
      { metadata: { name: 'Certifi', version: '2024.2.2' }, download_info: { url: 'https://x/certifi.whl', archive_info: { hash: 'sha256=bbb' } } },
    ],
  });
  assert.equal(lockFromReport(report), 'certifi==2024.2.2 --hash=sha256:bbb\nrequests==2.31.0 --hash=sha256:aaa');
  assert.throws(() => lockFromReport('{"install": "nope"}'));
});

test('a failed build says what pip said, and explains the Spark pin when the list asked for another pyspark', () => {
  const log = 'Python 3.11.2, pip 24.0\nCollecting nosuchpackage-xyz\nERROR: Could not find a version that satisfies the requirement nosuchpackage-xyz (from versions: none)\nERROR: No matching distribution found for nosuchpackage-xyz\n';
  assert.equal(failureMessage(log), 'ERROR: Could not find a version that satisfies the requirement nosuchpackage-xyz (from versions: none)\nERROR: No matching distribution found for nosuchpackage-xyz');
  const spark = "This image runs Spark 3.5.9: pyspark is pinned to 3.5.9, the version of the cluster's Spark.\nERROR: Cannot install pyspark==3.4.0 because these package versions have conflicting dependencies.\n";
  assert.match(failureMessage(spark), /^This environment's image runs Spark 3\.5\.9, so its package list cannot install another pyspark .*The installer said: ERROR: Cannot install pyspark==3\.4\.0/s);
});
