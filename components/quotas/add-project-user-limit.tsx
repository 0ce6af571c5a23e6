'use client';

import { useRouter } from 'next/navigation';
import { useState, type FormEvent } from 'react';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Field } from '@/components/ui/input';
import { RequestError } from '@/lib/client/request-error';
import { webClient, ZUnread } from '@/lib/client/web-client';
import { LIMIT_COLUMNS } from './format';
import { LimitInput } from './limit-input';
import { SubjectPicker } from './subject-picker';
import { DRAFT_KEYS, EMPTY_DRAFT, parseDraft, type TLimitsDraft } from './limits-draft';

/**
 * Sets a user's limit inside one project (on top of their own and the project's limits).
 * Existing in-project limits are edited in the table.
 */
export function AddProjectUserLimit({ onDone }: { onDone: () => void }) {
  const router = useRouter();
  const [userId, setUserId] = useState('');
  const [projectId, setProjectId] = useState('');
  const [draft, setDraft] = useState<TLimitsDraft>({ ...EMPTY_DRAFT });
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [message, setMessage] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setMessage(null);
    const parsed = parseDraft(draft);
    const local: Record<string, string> = 'errors' in parsed ? { ...parsed.errors } : {};
    if (!userId) local.userId = 'Choose a user';
    if (!projectId) local.projectId = 'Choose a project';
    setErrors(local);
    if (Object.keys(local).length || 'errors' in parsed) return;
    setBusy(true);
    try {
      await webClient.send('PUT', '/api/admin/quotas', ZUnread, { scope: 'project_user', userId, projectId, limits: parsed.limits });
      router.refresh();
      onDone();
    } catch (err) {
      setErrors(err instanceof RequestError ? err.fields : {});
      setMessage(err instanceof RequestError ? err.message : 'Could not save the limit.');
    } finally {
      setBusy(false);
    }
  }

  return (
    <form onSubmit={submit} noValidate className="space-y-3 border-b border-slate-200 bg-slate-50/60 px-4 py-3">
      {message && <Alert tone="error">{message}</Alert>}
      <div className="flex flex-wrap items-start gap-3">
        <div className="w-56">
          <Field label="User" htmlFor="pu-user" error={errors.userId}>
            <SubjectPicker id="pu-user" what="user" value={userId} onChange={setUserId} invalid={Boolean(errors.userId)} />
          </Field>
        </div>
        <div className="w-56">
          <Field label="Project" htmlFor="pu-project" error={errors.projectId}>
            <SubjectPicker id="pu-project" what="project" value={projectId} onChange={setProjectId} invalid={Boolean(errors.projectId)} />
          </Field>
        </div>
        {DRAFT_KEYS.map((k, i) => (
          <div key={k} className="space-y-1">
            <label htmlFor={`pu-${k}`} className="block text-xs font-medium text-slate-700">
              {LIMIT_COLUMNS[i].label}
            </label>
            <LimitInput id={`pu-${k}`} name={k} label={LIMIT_COLUMNS[i].label} value={draft[k]} error={errors[`limits.${k}`]} onChange={(v) => setDraft((d) => ({ ...d, [k]: v }))} />
          </div>
        ))}
        <div className="flex gap-2 self-end pb-0.5">
          <Button type="submit" size="sm" busy={busy}>
            Set limit
          </Button>
          <Button size="sm" variant="ghost" onClick={onDone} disabled={busy}>
            Cancel
          </Button>
        </div>
      </div>
      <p className="text-xs text-slate-500">Empty = unlimited. The user’s own limit and the project’s limit still apply as well.</p>
    </form>
  );
}
