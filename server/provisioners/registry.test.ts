import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AppError } from '../../common/errors';
import type { TProvisionerFactory } from './provisioner';
import { enabledProvisioners, provisionerFactory } from './registry';

test('LATTICE_PROVISIONERS: known names pass in order; an unknown one stops start-up naming it and the known ones', () => {
  assert.deepEqual(enabledProvisioners(['kubernetes', 'local']), ['kubernetes', 'local']);
  assert.throws(() => enabledProvisioners(['local', 'kubernets']), /Unknown provisioner "kubernets" in LATTICE_PROVISIONERS; known: local, kubernetes\./);
});

test('a launch for a provisioner this gateway has not enabled is KERNEL_UNAVAILABLE, naming it', () => {
  const local: TProvisionerFactory = {
    interruptMode: 'signal',
    create: () => assert.fail('not called'),
    fromInfo: () => assert.fail('not called'),
  };
  const registry = new Map([['local', local]]);
  assert.equal(provisionerFactory(registry, 'local'), local);
  assert.throws(
    () => provisionerFactory(registry, 'kubernetes'),
    (err: unknown) => err instanceof AppError && err.code === 'KERNEL_UNAVAILABLE' && /no "kubernetes" provisioner enabled/.test(err.message),
  );
});
