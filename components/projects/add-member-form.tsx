'use client';

import { useRouter } from 'next/navigation';
import { useState, type FormEvent } from 'react';
import { z } from 'zod';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Input } from '@/components/ui/input';
import { Select } from '@/components/ui/select';
import { RequestError } from '@/lib/client/request-error';
import { webClient } from '@/lib/client/web-client';

/** What this form reads of `POST /api/projects/{id}/members`: its answer, the same whether or not the email has an account. */
const ZAddedMember = z.looseObject({ message: z.string() });

/** Inline "add member by email" row; keeps what was typed when the server refuses it. */
export function AddMemberForm({ projectId }: { projectId: string }) {
  const router = useRouter();
  const [email, setEmail] = useState('');
  const [role, setRole] = useState('editor');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [added, setAdded] = useState<string | null>(null);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    setAdded(null);
    try {
      const answer = await webClient.send('POST', `/api/projects/${projectId}/members`, ZAddedMember, { email, role });
      setAdded(answer.message);
      setEmail('');
      router.refresh();
    } catch (err) {
      setError(err instanceof RequestError ? err.message : 'Could not add the member.');
    } finally {
      setBusy(false);
    }
  }

  return (
    <form onSubmit={submit} className="space-y-2 border-t border-slate-200 px-4 py-3">
      <div className="flex flex-wrap items-end gap-2">
        <div className="min-w-[16rem] flex-1">
          <label htmlFor="member-email" className="mb-1 block text-xs font-medium text-slate-700">
            Add a member
          </label>
          <Input
            id="member-email"
            name="email"
            type="email"
            placeholder="colleague@example.com"
            value={email}
            onChange={(e) => setEmail(e.target.value)}
            aria-invalid={!!error}
            required
          />
        </div>
        <div className="w-32">
          <Select aria-label="Role" name="role" value={role} onChange={(e) => setRole(e.target.value)}>
            <option value="viewer">Viewer</option>
            <option value="editor">Editor</option>
            <option value="owner">Owner</option>
          </Select>
        </div>
        <Button type="submit" busy={busy} disabled={!email.trim()}>
          Add
        </Button>
      </div>
      {error && <Alert tone="error">{error}</Alert>}
      {added && <Alert tone="success">{added}</Alert>}
    </form>
  );
}
