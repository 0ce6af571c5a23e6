'use client';

import { useRouter } from 'next/navigation';
import { useState, type FormEvent } from 'react';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Field, Input } from '@/components/ui/input';
import { RequestError } from '@/lib/client/request-error';
import { webClient, ZUnread } from '@/lib/client/web-client';

/**
 * Current password + a new one typed twice. On the profile it stays on the page and says so;
 * on the forced-change page (`then`) it goes on to the app once the password is replaced.
 */
export function ChangePasswordForm({ then }: { then?: string }) {
  const router = useRouter();
  const [currentPassword, setCurrent] = useState('');
  const [newPassword, setNew] = useState('');
  const [repeat, setRepeat] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [fields, setFields] = useState<Record<string, string>>({});
  const [done, setDone] = useState(false);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setError(null);
    setFields({});
    setDone(false);
    if (newPassword !== repeat) {
      setFields({ repeat: 'The two new passwords differ' });
      return;
    }
    setBusy(true);
    try {
      await webClient.send('POST', '/api/me/password', ZUnread, { currentPassword, newPassword });
      setCurrent('');
      setNew('');
      setRepeat('');
      if (then) router.replace(then);
      else setDone(true);
    } catch (err) {
      if (err instanceof RequestError) {
        setError(err.message);
        setFields(err.fields);
      } else setError('Could not change your password.');
    } finally {
      setBusy(false);
    }
  }

  return (
    <form onSubmit={submit} className="space-y-3">
      <Field label="Current password" htmlFor="current-password" error={fields.currentPassword}>
        <Input id="current-password" type="password" autoComplete="current-password" required value={currentPassword} onChange={(e) => setCurrent(e.target.value)} />
      </Field>
      <Field label="New password" htmlFor="new-password" hint="At least 8 characters." error={fields.newPassword}>
        <Input id="new-password" type="password" autoComplete="new-password" required minLength={8} value={newPassword} onChange={(e) => setNew(e.target.value)} />
      </Field>
      <Field label="Repeat the new password" htmlFor="repeat-password" error={fields.repeat}>
        <Input id="repeat-password" type="password" autoComplete="new-password" required value={repeat} onChange={(e) => setRepeat(e.target.value)} />
      </Field>
      {error && <Alert tone="error">{error}</Alert>}
      {done && <Alert tone="success">Password changed. Your other sessions were signed out; this one stays.</Alert>}
      <Button type="submit" busy={busy}>
        Change password
      </Button>
    </form>
  );
}
