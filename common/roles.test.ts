import assert from 'node:assert/strict';
import { test } from 'node:test';
import { can, type TAccess, type TProjectAction, type TProjectRole } from './roles';

const ACTIONS: TProjectAction[] = ['view', 'edit', 'run', 'stop-any', 'manage'];

/** The role matrix users are promised: rows = role, columns = what it may do. */
const EXPECTED: Record<TProjectRole | 'none', TProjectAction[]> = {
  owner: ['view', 'edit', 'run', 'stop-any', 'manage'],
  editor: ['view', 'edit', 'run'],
  viewer: ['view'],
  none: [],
};

for (const [role, allowed] of Object.entries(EXPECTED)) {
  test(`member with project role ${role} may do exactly: ${allowed.join(', ') || 'nothing'}`, () => {
    const access: TAccess = { userRole: 'member', projectRole: role === 'none' ? null : (role as TProjectRole) };
    for (const action of ACTIONS) assert.equal(can(access, action), allowed.includes(action), `${role} → ${action}`);
  });
}

test('a platform admin may do everything, member of the project or not', () => {
  for (const projectRole of [null, 'viewer', 'editor', 'owner'] as const) {
    for (const action of ACTIONS) assert.equal(can({ userRole: 'admin', projectRole }, action), true);
  }
});

test('viewers can open notebooks but not change or run them', () => {
  const viewer: TAccess = { userRole: 'member', projectRole: 'viewer' };
  assert.equal(can(viewer, 'view'), true);
  assert.equal(can(viewer, 'edit'), false);
  assert.equal(can(viewer, 'run'), false);
});
