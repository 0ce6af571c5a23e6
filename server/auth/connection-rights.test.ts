import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CLOSE_ACCESS_ENDED, CLOSE_SIGNED_OUT, judgeConnection, type TConnectionRights } from './connection-rights';

const PROJECT = '00000000-0000-4000-8000-000000000001';
const OTHER_PROJECT = '00000000-0000-4000-8000-000000000002';
const ME = '00000000-0000-4000-8000-00000000000a';
const SOMEONE = '00000000-0000-4000-8000-00000000000b';
const past = new Date(Date.now() - 60_000);
const future = new Date(Date.now() + 60_000);

/** An editor's personal token on a live project. */
const rights = (over: Partial<TConnectionRights> = {}): TConnectionRights => ({
  token_id: 't',
  project_id: PROJECT,
  token_found: true,
  revoked_at: null,
  expires_at: null,
  token_project_id: null,
  user_id: ME,
  user_role: 'member',
  user_disabled_at: null,
  user_deleted_at: null,
  session_id: null,
  session_found: false,
  session_revoked_at: null,
  session_expires_at: null,
  member_role: 'editor',
  project_found: true,
  project_archived_at: null,
  project_deleted_at: null,
  ...over,
});
const onKernelOf = (userId: string) => ({ tokenId: 't', kernel: { projectId: PROJECT, userId } });

test('an editor on their own kernel keeps the connection and may stop it; on another’s, may not', () => {
  assert.deepEqual(judgeConnection(rights(), onKernelOf(ME)), { action: 'keep', mayStop: true });
  assert.deepEqual(judgeConnection(rights(), onKernelOf(SOMEONE)), { action: 'keep', mayStop: false });
  assert.deepEqual(judgeConnection(rights({ member_role: 'owner' }), onKernelOf(SOMEONE)), { action: 'keep', mayStop: true });
});

test('a token that is gone, revoked, expired, or whose user is disabled or deleted signs out (4401) with its reason', () => {
  const cases: Array<[TConnectionRights | undefined, RegExp]> = [
    [undefined, /revoked/],
    [rights({ token_found: false, user_id: null, user_role: null }), /revoked/],
    [rights({ revoked_at: past }), /revoked/],
    [rights({ expires_at: past }), /expired/],
    [rights({ user_disabled_at: past }), /disabled/],
    [rights({ user_deleted_at: past, user_disabled_at: past }), /deleted/],
    [rights({ session_id: 's', session_found: true, session_revoked_at: past }), /sign-in session ended/],
    [rights({ session_id: 's', session_found: true, session_expires_at: past }), /sign-in session ended/],
    [rights({ session_id: 's', session_found: false }), /sign-in session ended/],
  ];
  for (const [r, reason] of cases) {
    const verdict = judgeConnection(r, onKernelOf(ME));
    assert.equal(verdict.action, 'close');
    assert.equal(verdict.action === 'close' && verdict.code, CLOSE_SIGNED_OUT);
    assert.match(verdict.action === 'close' ? verdict.reason : '', reason);
  }
  assert.equal(judgeConnection(rights({ expires_at: future, session_id: 's', session_found: true, session_expires_at: future }), onKernelOf(ME)).action, 'keep');
});

test('a project archived, deleted or gone, a viewer, a non-member or a token scoped elsewhere: access ended (4403)', () => {
  const cases: Array<[TConnectionRights, RegExp]> = [
    [rights({ project_archived_at: past }), /archived: restore it/],
    [rights({ project_deleted_at: past }), /deleted/],
    [rights({ project_found: false }), /deleted/],
    [rights({ member_role: 'viewer' }), /role in this project changed/],
    [rights({ member_role: null }), /role in this project changed/],
    [rights({ token_project_id: OTHER_PROJECT }), /role in this project changed/],
    [rights({ user_role: 'admin', member_role: null, project_archived_at: past }), /archived/],
  ];
  for (const [r, reason] of cases) {
    const verdict = judgeConnection(r, onKernelOf(ME));
    assert.deepEqual(verdict.action === 'close' && [verdict.code, reason.test(verdict.reason)], [CLOSE_ACCESS_ENDED, true], JSON.stringify(verdict));
  }
});

test('an admin needs no membership, but a project-scoped token of an admin is a non-member elsewhere', () => {
  assert.deepEqual(judgeConnection(rights({ user_role: 'admin', member_role: null }), onKernelOf(SOMEONE)), { action: 'keep', mayStop: true });
  assert.equal(judgeConnection(rights({ user_role: 'admin', member_role: null, token_project_id: OTHER_PROJECT }), onKernelOf(SOMEONE)).action, 'close');
});
