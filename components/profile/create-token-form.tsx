'use client';

import { useRouter } from 'next/navigation';
import { useState, type FormEvent } from 'react';
import { z } from 'zod';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Input } from '@/components/ui/input';
import { SecretReveal } from '@/components/ui/secret-reveal';
import { Select } from '@/components/ui/select';
import { RequestError } from '@/lib/client/request-error';
import { webClient } from '@/lib/client/web-client';

/** What this form reads of `POST /api/tokens`: the secret, shown once, and its name. */
const ZCreatedToken = z.looseObject({ token: z.string().min(1), summary: z.looseObject({ name: z.string() }) });

/** Creates a personal token and shows it once, with a copy button. */
export function CreateTokenForm() {
  const router = useRouter();
  const [name, setName] = useState('');
  const [expiresInDays, setExpiresInDays] = useState('90');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [created, setCreated] = useState<{ token: string; name: string } | null>(null);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    setCreated(null);
    try {
      const body = { name: name || undefined, expiresInDays: expiresInDays ? Number(expiresInDays) : undefined };
      const res = await webClient.send('POST', '/api/tokens', ZCreatedToken, body);
      setCreated({ token: res.token, name: res.summary.name });
      setName('');
      router.refresh();
    } catch (err) {
      setError(err instanceof RequestError ? err.message : 'Could not create the token.');
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="space-y-3 border-t border-slate-200 px-4 py-3">
      {created && (
        <SecretReveal
          title={`New token "${created.name}"`}
          secret={created.token}
          note="Copy it now: it will not be shown again."
        />
      )}
      <form onSubmit={submit} className="flex flex-wrap items-end gap-2">
        <div className="min-w-[16rem] flex-1">
          <label htmlFor="token-name" className="mb-1 block text-xs font-medium text-slate-700">
            New token
          </label>
          <Input id="token-name" name="name" placeholder="Name, e.g. laptop or CI" value={name} onChange={(e) => setName(e.target.value)} maxLength={100} />
        </div>
        <div className="w-36">
          <label htmlFor="token-expiry" className="mb-1 block text-xs font-medium text-slate-700">
            Expires in
          </label>
          <Select id="token-expiry" value={expiresInDays} onChange={(e) => setExpiresInDays(e.target.value)}>
            <option value="7">7 days</option>
            <option value="30">30 days</option>
            <option value="90">90 days</option>
            <option value="365">1 year</option>
            <option value="">Never</option>
          </Select>
        </div>
        <Button type="submit" busy={busy}>
          Create token
        </Button>
      </form>
      {error && <Alert tone="error">{error}</Alert>}
    </div>
  );
}
