'use client';

import { useRouter } from 'next/navigation';
import { useState, type FormEvent } from 'react';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Input } from '@/components/ui/input';
import { RequestError } from '@/lib/client/request-error';
import { webClient, ZUnread } from '@/lib/client/web-client';

/** The signed-in user's name, shown with an Edit button that turns it into a field. */
export function NameForm({ name }: { name: string }) {
  const router = useRouter();
  const [editing, setEditing] = useState(false);
  const [value, setValue] = useState(name);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await webClient.send('PATCH', '/api/me', ZUnread, { name: value });
      setEditing(false);
      router.refresh();
    } catch (err) {
      setError(err instanceof RequestError ? (err.fields.name ?? err.message) : 'Could not save your name.');
    } finally {
      setBusy(false);
    }
  }

  if (!editing) {
    return (
      <div className="flex items-center gap-2">
        <span className="text-slate-900" data-testid="my-name">{name}</span>
        <Button type="button" size="sm" variant="secondary" onClick={() => (setValue(name), setEditing(true))}>
          Edit
        </Button>
      </div>
    );
  }
  return (
    <form onSubmit={submit} className="space-y-2">
      <div className="flex items-center gap-2">
        <Input aria-label="Your name" value={value} onChange={(e) => setValue(e.target.value)} autoFocus maxLength={200} className="min-w-0 flex-1" />
        <Button type="submit" size="sm" busy={busy}>
          Save
        </Button>
        <Button type="button" size="sm" variant="secondary" onClick={() => setEditing(false)} disabled={busy}>
          Cancel
        </Button>
      </div>
      {error && <Alert tone="error">{error}</Alert>}
    </form>
  );
}
