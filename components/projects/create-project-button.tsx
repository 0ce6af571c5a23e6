'use client';

import { useRouter } from 'next/navigation';
import { useState, type FormEvent } from 'react';
import { z } from 'zod';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Dialog } from '@/components/ui/dialog';
import { Field, Input, Textarea } from '@/components/ui/input';
import { RequestError } from '@/lib/client/request-error';
import { webClient } from '@/lib/client/web-client';

/** What this form reads of `POST /api/projects`: where to go next. */
const ZCreatedProject = z.looseObject({ id: z.string() });

/** "New project" button + dialog; on success opens the new project. */
export function CreateProjectButton() {
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<RequestError | null>(null);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const project = await webClient.send('POST', '/api/projects', ZCreatedProject, { name, description });
      setOpen(false);
      router.push(`/projects/${project.id}`);
      router.refresh();
    } catch (err) {
      setError(err instanceof RequestError ? err : RequestError.unexpected('web'));
    } finally {
      setBusy(false);
    }
  }

  return (
    <>
      <Button onClick={() => setOpen(true)}>New project</Button>
      <Dialog
        open={open}
        onClose={() => setOpen(false)}
        title="New project"
        description="You become its owner and can add members afterwards."
      >
        <form onSubmit={submit} className="space-y-4" id="create-project-form">
          {error && !Object.keys(error.fields).length && <Alert tone="error">{error.message}</Alert>}
          <Field label="Name" htmlFor="project-name" error={error?.fields.name}>
            <Input id="project-name" name="name" value={name} onChange={(e) => setName(e.target.value)} maxLength={100} required autoFocus />
          </Field>
          <Field label="Description" htmlFor="project-description" hint="Optional" error={error?.fields.description}>
            <Textarea id="project-description" name="description" rows={3} value={description} onChange={(e) => setDescription(e.target.value)} maxLength={2000} />
          </Field>
          <div className="flex justify-end gap-2 pt-1">
            <Button variant="secondary" onClick={() => setOpen(false)} disabled={busy}>
              Cancel
            </Button>
            <Button type="submit" busy={busy}>
              Create project
            </Button>
          </div>
        </form>
      </Dialog>
    </>
  );
}
