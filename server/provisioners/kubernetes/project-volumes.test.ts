import { test } from 'node:test';
import assert from 'node:assert/strict';
import { projectFilesClaimManifest, softwareVolumeManifests } from './project-volumes';

test('a project\'s files claim: ReadWriteMany by default, the configured size and class, the cluster default when no class is set', () => {
  const claim = projectFilesClaimManifest('lattice-team', 'p-1', { storageClass: 'nfs-rwx', accessMode: 'ReadWriteMany', bytes: 10 * 1024 ** 3 });
  assert.equal(claim.metadata?.name, 'lattice-project-files');
  assert.equal(claim.metadata?.namespace, 'lattice-team');
  assert.equal(claim.metadata?.labels?.['lattice.dev/project'], 'p-1');
  assert.deepEqual(claim.spec, { accessModes: ['ReadWriteMany'], resources: { requests: { storage: String(10 * 1024 ** 3) } }, storageClassName: 'nfs-rwx' });
  const plain = projectFilesClaimManifest('lattice-team', 'p-1', { storageClass: null, accessMode: 'ReadWriteOnce', bytes: 1024 });
  assert.deepEqual(plain.spec, { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1024' } } });
});

test('the software store in a namespace: a volume on the admin\'s source pre-bound to that namespace\'s claim, read-only for kernels', () => {
  const source = { nfs: { server: '10.0.0.5', path: '/lattice-software' } };
  const { volume, claim } = softwareVolumeManifests('lattice-team', source, 'ReadOnlyMany');
  assert.equal(volume.metadata?.name, 'lattice-software-lattice-team');
  assert.deepEqual(volume.spec, {
    nfs: { server: '10.0.0.5', path: '/lattice-software' },
    accessModes: ['ReadOnlyMany'],
    capacity: { storage: '1Gi' },
    persistentVolumeReclaimPolicy: 'Retain',
    storageClassName: '',
    claimRef: { namespace: 'lattice-team', name: 'lattice-software' },
  });
  assert.deepEqual(claim.spec, { accessModes: ['ReadOnlyMany'], resources: { requests: { storage: '1Gi' } }, storageClassName: '', volumeName: 'lattice-software-lattice-team' });
  assert.equal(claim.metadata?.namespace, 'lattice-team');
  assert.deepEqual(softwareVolumeManifests('lattice-system', source, 'ReadWriteMany').claim.spec?.accessModes, ['ReadWriteMany']);
});
