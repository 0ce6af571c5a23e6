'use client';

import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { UserAccountActions } from '@/components/admin/user-account-actions';
import { Alert } from '@/components/ui/alert';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { DateTime } from '@/components/ui/date-time';
import { ConfirmDialog } from '@/components/ui/dialog';
import { Select } from '@/components/ui/select';
import { TBody, Table, Td, Th, Tr } from '@/components/ui/table';
import { RequestError } from '@/lib/client/request-error';
import { webClient, ZUnread } from '@/lib/client/web-client';
import type { TUserSummary } from '@/lib/users/user-summary';

/** One page of users with inline role change and disable/enable (disabling asks first). */
export function UsersTable({ users, currentUserId }: { users: TUserSummary[]; currentUserId: string }) {
  const router = useRouter();
  const [pending, setPending] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [disabling, setDisabling] = useState<TUserSummary | null>(null);
  const [dialogError, setDialogError] = useState<string | null>(null);

  async function update(user: TUserSummary, body: { role: string } | { disabled: boolean }, inDialog = false) {
    setPending(user.id);
    setError(null);
    setDialogError(null);
    try {
      await webClient.send('PATCH', `/api/users/${user.id}`, ZUnread, body);
      setDisabling(null);
      router.refresh();
    } catch (err) {
      const message = err instanceof RequestError ? err.message : 'Could not update the user.';
      if (inDialog) setDialogError(message);
      else setError(message);
    } finally {
      setPending(null);
    }
  }

  return (
    <>
      {error && <Alert tone="error" className="mx-4 my-3">{error}</Alert>}
      <Table>
        <thead>
          <tr>
            <Th>Name</Th>
            <Th>Email</Th>
            <Th>Role</Th>
            <Th>Status</Th>
            <Th>Created</Th>
            <Th className="text-right">Actions</Th>
          </tr>
        </thead>
        <TBody>
          {users.map((u) => {
            const self = u.id === currentUserId;
            return (
              <Tr key={u.id} className={u.disabledAt ? 'bg-slate-50/60 opacity-70' : undefined}>
                <Td className="font-medium text-slate-900">
                  {u.name}
                  {self && <span className="ml-1.5 text-xs font-normal text-slate-400">(you)</span>}
                </Td>
                <Td className="text-slate-600">{u.email}</Td>
                <Td>
                  <div className="w-28">
                    <Select
                      aria-label={`Role of ${u.email}`}
                      value={u.role}
                      disabled={pending === u.id}
                      onChange={(e) => update(u, { role: e.target.value })}
                      className="h-7 py-0 text-xs"
                    >
                      <option value="member">member</option>
                      <option value="admin">admin</option>
                    </Select>
                  </div>
                </Td>
                <Td>{u.disabledAt ? <Badge tone="red">disabled</Badge> : <Badge tone="green">active</Badge>}</Td>
                <Td className="text-slate-500">
                  <DateTime value={u.createdAt} />
                </Td>
                <Td className="whitespace-nowrap text-right">
                  <UserAccountActions user={u} self={self} />
                  {u.disabledAt ? (
                    <Button variant="secondary" size="sm" busy={pending === u.id} onClick={() => update(u, { disabled: false })}>
                      Enable
                    </Button>
                  ) : (
                    <Button
                      variant="ghost"
                      size="sm"
                      className="text-red-600 hover:bg-red-50 hover:text-red-700"
                      disabled={self || pending === u.id}
                      title={self ? 'You cannot disable your own account' : undefined}
                      onClick={() => (setDialogError(null), setDisabling(u))}
                    >
                      Disable
                    </Button>
                  )}
                </Td>
              </Tr>
            );
          })}
        </TBody>
      </Table>
      <ConfirmDialog
        open={!!disabling}
        title="Disable user?"
        description={
          disabling
            ? `${disabling.name} (${disabling.email}) will be signed out and cannot sign in; their API tokens stop working. Nothing is deleted: you can enable the account again.`
            : undefined
        }
        confirmLabel="Disable"
        busy={!!disabling && pending === disabling.id}
        error={dialogError}
        onConfirm={() => disabling && update(disabling, { disabled: true }, true)}
        onClose={() => setDisabling(null)}
      />
    </>
  );
}
