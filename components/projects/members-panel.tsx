'use client';

import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { Alert } from '@/components/ui/alert';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Card, CardHeader } from '@/components/ui/card';
import { ConfirmDialog } from '@/components/ui/dialog';
import { Select } from '@/components/ui/select';
import { TBody, Table, Td, Th, Tr } from '@/components/ui/table';
import { RequestError } from '@/lib/client/request-error';
import { webClient, ZUnread } from '@/lib/client/web-client';
import type { TProjectMember } from '@/lib/projects/project-summary';
import { AddMemberForm } from './add-member-form';
import { RoleBadge } from './role-badge';

const ROLE_HELP = 'Owners manage members; editors change and run notebooks; viewers only read.';

/** Members of a project; owners (and admins) change roles, remove and add members. */
export function MembersPanel({ projectId, members, canManage, currentUserId }: {
  projectId: string;
  members: TProjectMember[];
  canManage: boolean;
  currentUserId: string;
}) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState<string | null>(null);
  const [removing, setRemoving] = useState<TProjectMember | null>(null);
  const [removeError, setRemoveError] = useState<string | null>(null);

  async function changeRole(member: TProjectMember, role: string) {
    setPending(member.userId);
    setError(null);
    try {
      await webClient.send('PATCH', `/api/projects/${projectId}/members/${member.userId}`, ZUnread, { role });
      router.refresh();
    } catch (err) {
      setError(err instanceof RequestError ? err.message : 'Could not change the role.');
    } finally {
      setPending(null);
    }
  }

  async function remove() {
    if (!removing) return;
    setPending(removing.userId);
    setRemoveError(null);
    try {
      await webClient.send('DELETE', `/api/projects/${projectId}/members/${removing.userId}`, ZUnread);
      const self = removing.userId === currentUserId;
      setRemoving(null);
      if (self) router.push('/projects');
      router.refresh();
    } catch (err) {
      setRemoveError(err instanceof RequestError ? err.message : 'Could not remove the member.');
    } finally {
      setPending(null);
    }
  }

  return (
    <Card>
      <CardHeader title={`Members (${members.length})`} description={ROLE_HELP} />
      {error && <Alert tone="error" className="mx-4 mt-3">{error}</Alert>}
      <Table>
        <thead>
          <tr>
            <Th>Name</Th>
            <Th>Email</Th>
            <Th>Role</Th>
            {canManage && <Th className="text-right">Actions</Th>}
          </tr>
        </thead>
        <TBody>
          {members.map((m) => (
            <Tr key={m.userId}>
              <Td className="font-medium text-slate-900">
                {m.name}
                {m.userId === currentUserId && <span className="ml-1.5 text-xs font-normal text-slate-400">(you)</span>}
                {m.disabled && <Badge tone="red" className="ml-2">disabled</Badge>}
              </Td>
              <Td className="text-slate-500">{m.email}</Td>
              <Td>
                {canManage ? (
                  <div className="w-28">
                    <Select
                      aria-label={`Role of ${m.email}`}
                      value={m.role}
                      disabled={pending === m.userId}
                      onChange={(e) => changeRole(m, e.target.value)}
                      className="h-7 py-0 text-xs"
                    >
                      <option value="viewer">viewer</option>
                      <option value="editor">editor</option>
                      <option value="owner">owner</option>
                    </Select>
                  </div>
                ) : (
                  <RoleBadge role={m.role} />
                )}
              </Td>
              {canManage && (
                <Td className="text-right">
                  <Button variant="ghost" size="sm" onClick={() => (setRemoveError(null), setRemoving(m))} disabled={pending === m.userId}>
                    Remove
                  </Button>
                </Td>
              )}
            </Tr>
          ))}
        </TBody>
      </Table>
      {canManage && <AddMemberForm projectId={projectId} />}
      <ConfirmDialog
        open={!!removing}
        title="Remove member?"
        description={removing ? `${removing.name} (${removing.email}) will lose access to this project and its notebooks.` : undefined}
        confirmLabel="Remove"
        busy={!!removing && pending === removing.userId}
        error={removeError}
        onConfirm={remove}
        onClose={() => setRemoving(null)}
      />
    </Card>
  );
}
