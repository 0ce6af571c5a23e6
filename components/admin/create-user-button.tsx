'use client';

import { useRouter } from 'next/navigation';
import { useState, type FormEvent } from 'react';
import { z } from 'zod';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Dialog } from '@/components/ui/dialog';
import { Field, Input } from '@/components/ui/input';
import { SecretReveal } from '@/components/ui/secret-reveal';
import { Select } from '@/components/ui/select';
import { RequestError } from '@/lib/client/request-error';
import { webClient } from '@/lib/client/web-client';

/** What this form reads of `POST /api/users`: the generated password is shown once. */
const ZCreatedUser = z.looseObject({ user: z.looseObject({ email: z.string() }), generatedPassword: z.string().nullable() });

const EMPTY = { email: '', name: '', role: 'member', password: '' };

/** "New user" dialog; a generated initial password is shown once, in the dialog. */
export function CreateUserButton() {
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const [form, setForm] = useState(EMPTY);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<RequestError | null>(null);
  const [created, setCreated] = useState<{ email: string; password: string | null } | null>(null);

  const set = (key: keyof typeof EMPTY) => (e: { target: { value: string } }) => setForm({ ...form, [key]: e.target.value });

  function close() {
    setOpen(false);
    setCreated(null);
    setError(null);
    setForm(EMPTY);
  }

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const res = await webClient.send('POST', '/api/users', ZCreatedUser, form);
      setCreated({ email: res.user.email, password: res.generatedPassword });
      router.refresh();
    } catch (err) {
      setError(err instanceof RequestError ? err : RequestError.unexpected('web'));
    } finally {
      setBusy(false);
    }
  }

  return (
    <>
      <Button onClick={() => setOpen(true)}>New user</Button>
      <Dialog open={open} onClose={close} title={created ? 'User created' : 'New user'}>
        {created ? (
          <div className="space-y-4">
            {created.password ? (
              <SecretReveal
                title={`Initial password for ${created.email}`}
                secret={created.password}
                note="Give it to the user over a safe channel. It will not be shown again."
              />
            ) : (
              <Alert tone="success">{created.email} can now sign in with the password you chose.</Alert>
            )}
            <div className="flex justify-end">
              <Button onClick={close}>Done</Button>
            </div>
          </div>
        ) : (
          <form onSubmit={submit} className="space-y-4">
            {error && !Object.keys(error.fields).length && <Alert tone="error">{error.message}</Alert>}
            <Field label="Email" htmlFor="user-email" error={error?.fields.email}>
              <Input id="user-email" type="email" value={form.email} onChange={set('email')} required autoFocus aria-invalid={!!error?.fields.email} />
            </Field>
            <Field label="Name" htmlFor="user-name" error={error?.fields.name}>
              <Input id="user-name" value={form.name} onChange={set('name')} required aria-invalid={!!error?.fields.name} />
            </Field>
            <Field label="Role" htmlFor="user-role" error={error?.fields.role}>
              <Select id="user-role" value={form.role} onChange={set('role')}>
                <option value="member">Member</option>
                <option value="admin">Admin</option>
              </Select>
            </Field>
            <Field label="Initial password" htmlFor="user-password" hint="Leave empty to generate one (shown once)." error={error?.fields.password}>
              <Input
                id="user-password"
                type="password"
                autoComplete="new-password"
                value={form.password}
                onChange={set('password')}
                aria-invalid={!!error?.fields.password}
              />
            </Field>
            <div className="flex justify-end gap-2 pt-1">
              <Button variant="secondary" onClick={close} disabled={busy}>
                Cancel
              </Button>
              <Button type="submit" busy={busy}>
                Create user
              </Button>
            </div>
          </form>
        )}
      </Dialog>
    </>
  );
}
