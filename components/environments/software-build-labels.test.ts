import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { TSoftwareBuildInfo } from '@/common/software';
import { isBuildUnfinished, softwareBuildStatus, softwareSummary, softwareUnavailableReason } from './software-build-labels';

const build = (over: Partial<TSoftwareBuildInfo>): TSoftwareBuildInfo => ({
  id: 'b1',
  state: 'queued',
  step: null,
  error: null,
  base: 'python:3.11',
  packages: 'requests==2.31.0',
  sizeBytes: null,
  createdAt: '2026-12-05T00:00:00.000Z',
  finishedAt: null,
  ...over,
});

test('the badge gives the step while building, the size when ready and the installer’s error when failed', () => {
  assert.deepEqual(softwareBuildStatus(build({ state: 'building', step: 'Installing 14 packages' })), { tone: 'blue', label: 'Building', detail: 'Installing 14 packages' });
  assert.deepEqual(softwareBuildStatus(build({ state: 'ready', sizeBytes: 150 * 1024 * 1024 })), { tone: 'green', label: 'Ready', detail: '150.0 MB' });
  const failed = softwareBuildStatus(build({ state: 'failed', error: 'No solution found when resolving dependencies' }));
  assert.equal(failed.label, 'Build failed');
  assert.equal(failed.detail, 'No solution found when resolving dependencies');
});

test('only queued and building builds are unfinished', () => {
  assert.equal(isBuildUnfinished(build({ state: 'queued' })), true);
  assert.equal(isBuildUnfinished(build({ state: 'building' })), true);
  assert.equal(isBuildUnfinished(build({ state: 'ready' })), false);
  assert.equal(isBuildUnfinished(build({ state: 'failed' })), false);
  assert.equal(isBuildUnfinished(null), false);
});

test('a picker says why a template cannot be chosen, and nothing when it can', () => {
  assert.equal(softwareUnavailableReason(null), null);
  assert.equal(softwareUnavailableReason(build({ state: 'ready' })), null);
  assert.equal(softwareUnavailableReason(build({ state: 'building', step: 'Installing 14 packages…' })), 'Software building: Installing 14 packages…');
  assert.equal(softwareUnavailableReason(build({ state: 'failed', error: 'foo is not on the index' })), 'Software build failed: foo is not on the index');
  assert.equal(softwareUnavailableReason(build({ state: 'queued' })), 'Software waiting to be built');
});

test('the software summary names the default environment, or the base and the number of packages', () => {
  assert.equal(softwareSummary({ pythonVersion: null, packages: '', softwareBuild: null }), 'Platform default');
  assert.equal(softwareSummary({ pythonVersion: '3.11', packages: 'requests==2.31.0', softwareBuild: build({ base: 'python:3.11' }) }), 'Python 3.11 · 1 package');
  // No version chosen: the build says which Python the machine's newest was.
  assert.equal(softwareSummary({ pythonVersion: null, packages: 'a\nb', softwareBuild: build({ base: 'python:3.13' }) }), 'Python 3.13 · 2 packages');
  assert.equal(softwareSummary({ pythonVersion: null, packages: 'a\nb', softwareBuild: build({ base: 'image:ghcr.io/acme/py:3.11' }) }), 'Kernel image · 2 packages');
});
