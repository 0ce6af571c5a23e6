'use client';

import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { z } from 'zod';
import { Button } from '@/components/ui/button';
import { ConfirmDialog, Dialog } from '@/components/ui/dialog';
import { SecretReveal } from '@/components/ui/secret-reveal';
import { RequestError } from '@/lib/client/request-error';
import { webClient, ZUnread } from '@/lib/client/web-client';
import type { TUserSummary } from '@/lib/users/user-summary';

type TAction = 'reset' | 'revoke' | 'delete';

const ZResetAnswer = z.object({ password: z.string() });

const DIALOG: Record<TAction, { title: string; confirm: string; say: (u: TUserSummary) => string }> = {
  reset: {
    title: 'Reset password?',
    confirm: 'Reset password',
    say: (u) => `${u.name} (${u.email}) gets a new generated password, shown to you once, and must replace it at sign-in. Their sessions end now; their API tokens keep working.`,
  },
  revoke: {
    title: 'Revoke sessions and tokens?',
    confirm: 'Revoke',
    say: (u) => `Every sign-in of ${u.name} (${u.email}) ends and all their API tokens stop working. They can sign in again with their password.`,
  },
  delete: {
    title: 'Delete user?',
    confirm: 'Delete user',
    say: (u) =>
      `${u.name} (${u.email}) can never sign in again; their kernels stop, tokens die and memberships go. Projects only they own become yours. Their kernel and usage history is kept, shown as "${u.name} (deleted)". This cannot be undone.`,
  },
};

/** A user row's account actions on the admin users page: reset password, revoke access, delete. */
export function UserAccountActions({ user, self }: { user: TUserSummary; self: boolean }) {
  const router = useRouter();
  const [asking, setAsking] = useState<TAction | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [password, setPassword] = useState<string | null>(null);

  async function run(action: TAction) {
    setBusy(true);
    setError(null);
    try {
      if (action === 'reset') setPassword((await webClient.send('POST', `/api/users/${user.id}/password-reset`, ZResetAnswer)).password);
      else if (action === 'revoke') await webClient.send('POST', `/api/users/${user.id}/revoke-access`, ZUnread);
      else await webClient.send('DELETE', `/api/users/${user.id}`, ZUnread);
      setAsking(null);
      router.refresh();
    } catch (err) {
      setError(err instanceof RequestError ? err.message : 'Could not do that. Try again.');
    } finally {
      setBusy(false);
    }
  }

  const ask = (action: TAction) => () => (setError(null), setAsking(action));
  const danger = 'text-red-600 hover:bg-red-50 hover:text-red-700';
  const selfNote = self ? 'Not for your own account: use your profile' : undefined;
  return (
    <>
      <Button variant="ghost" size="sm" disabled={self} title={selfNote} onClick={ask('reset')}>
        Reset password
      </Button>
      <Button variant="ghost" size="sm" disabled={self} title={selfNote} onClick={ask('revoke')}>
        Revoke sessions
      </Button>
      <Button variant="ghost" size="sm" className={danger} disabled={self} title={selfNote} onClick={ask('delete')}>
        Delete
      </Button>
      <ConfirmDialog
        open={asking !== null}
        title={asking ? DIALOG[asking].title : ''}
        description={asking ? DIALOG[asking].say(user) : undefined}
        confirmLabel={asking ? DIALOG[asking].confirm : ''}
        busy={busy}
        error={error}
        onConfirm={() => asking && run(asking)}
        onClose={() => setAsking(null)}
      />
      <Dialog
        open={password !== null}
        onClose={() => setPassword(null)}
        title={`New password for ${user.name}`}
        footer={<Button onClick={() => setPassword(null)}>Done</Button>}
      >
        {password && <SecretReveal title="One-time password" secret={password} note={`Give it to ${user.email}; it will not be shown again. They choose their own at sign-in.`} />}
      </Dialog>
    </>
  );
}
