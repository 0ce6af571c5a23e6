import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { TAccess } from '../../common/roles';
import { decideKernelAccess } from './access';
import { extractToken } from './caller';

const member = (projectRole: TAccess['projectRole']): TAccess => ({ userRole: 'member', projectRole });

test('a non-member gets not-found for every kernel action (the kernel is invisible)', () => {
  for (const action of ['view', 'run', 'stop'] as const) {
    assert.equal(decideKernelAccess(member(null), action, false), 'not-found');
    assert.equal(decideKernelAccess(member(null), action, true), 'not-found');
  }
});

test('a viewer may view but not run or stop', () => {
  assert.equal(decideKernelAccess(member('viewer'), 'view', false), 'allow');
  assert.equal(decideKernelAccess(member('viewer'), 'run', false), 'forbidden');
  assert.equal(decideKernelAccess(member('viewer'), 'stop', true), 'forbidden');
});

test('an editor runs any kernel in the project but stops only their own', () => {
  assert.equal(decideKernelAccess(member('editor'), 'run', false), 'allow');
  assert.equal(decideKernelAccess(member('editor'), 'stop', true), 'allow');
  assert.equal(decideKernelAccess(member('editor'), 'stop', false), 'forbidden');
});

test('an owner and an admin may do everything', () => {
  for (const access of [member('owner'), { userRole: 'admin', projectRole: null } as TAccess]) {
    for (const action of ['view', 'run', 'stop'] as const) assert.equal(decideKernelAccess(access, action, false), 'allow');
  }
});

test('tokens come from the Authorization header (token or Bearer) or ?token=', () => {
  assert.equal(extractToken('token abc', undefined), 'abc');
  assert.equal(extractToken('Bearer abc', '/x?token=zzz'), 'abc');
  assert.equal(extractToken(undefined, '/api/kernels/1/channels?session_id=s&token=q%2Bw'), 'q+w');
  assert.equal(extractToken('Basic Zm9v', '/api'), null);
  assert.equal(extractToken(undefined, undefined), null);
});
