import { test } from 'node:test';
import assert from 'node:assert/strict';
import { stopDetail, type TKernelStanding } from './kernels-to-stop';

const at = new Date();
const standing = (over: Partial<TKernelStanding> = {}): TKernelStanding => ({
  id: 'k',
  owner_disabled_at: null,
  owner_deleted_at: null,
  project_archived_at: null,
  project_deleted_at: null,
  ...over,
});

test('a kernel of an active owner in a live project runs on', () => {
  assert.equal(stopDetail(standing()), null);
});

test('each cause gives the detail people see, the project first (it outlasts any one owner)', () => {
  assert.equal(stopDetail(undefined), 'Stopped: the project was deleted.');
  assert.equal(stopDetail(standing({ project_deleted_at: at, project_archived_at: at, owner_disabled_at: at })), 'Stopped: the project was deleted.');
  assert.equal(stopDetail(standing({ project_archived_at: at, owner_deleted_at: at })), 'Stopped: the project was archived.');
  assert.equal(stopDetail(standing({ owner_deleted_at: at, owner_disabled_at: at })), "Stopped: its owner's account was deleted.");
  assert.equal(stopDetail(standing({ owner_disabled_at: at })), 'Stopped: its owner was disabled.');
});
