'use client';

import { useRouter } from 'next/navigation';
import { useState, type FormEvent } from 'react';
import type { TPlatformMaximums } from '@/common/environment-input';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Card, CardBody, CardHeader } from '@/components/ui/card';
import { Field, Input } from '@/components/ui/input';
import { RequestError } from '@/lib/client/request-error';
import { webClient, ZUnread } from '@/lib/client/web-client';

const FIELDS = [
  { key: 'maxCpu', label: 'CPU per template (vCPU)', step: '0.5' },
  { key: 'maxMemoryGib', label: 'Memory per template (GiB)', step: '1' },
  { key: 'maxGpus', label: 'GPUs per template', step: '1' },
  { key: 'maxExecutors', label: 'Spark executors', step: '1' },
  { key: 'poolBudget', label: 'Warm-pool kernels (all templates)', step: '1' },
  { key: 'maxEnvironmentsPerProject', label: 'Templates per project', step: '1' },
] as const;

/** The ceilings any one template must stay within, the warm-pool budget and the templates per project (admins). */
export function PlatformMaximumsForm({ maximums }: { maximums: TPlatformMaximums }) {
  const router = useRouter();
  const [values, setValues] = useState<Record<string, string>>({
    maxCpu: String(maximums.maxCpuM / 1000),
    maxMemoryGib: String(Math.round((maximums.maxMemoryMib / 1024) * 1000) / 1000),
    maxGpus: String(maximums.maxGpus),
    maxExecutors: String(maximums.maxExecutors),
    poolBudget: String(maximums.poolBudget),
    maxEnvironmentsPerProject: String(maximums.maxEnvironmentsPerProject),
  });
  const [startsOnRun, setStartsOnRun] = useState(maximums.kernelStartsOnRun);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [status, setStatus] = useState<{ tone: 'success' | 'error'; text: string } | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setStatus(null);
    try {
      const body = { ...Object.fromEntries(FIELDS.map((f) => [f.key, values[f.key].trim() === '' ? null : Number(values[f.key])])), kernelStartsOnRun: startsOnRun };
      await webClient.send('PUT', '/api/admin/platform', ZUnread, body);
      setErrors({});
      setStatus({ tone: 'success', text: 'Saved. New and edited templates must fit these maximums.' });
      router.refresh();
    } catch (err) {
      setErrors(err instanceof RequestError ? err.fields : {});
      setStatus({ tone: 'error', text: err instanceof RequestError && !Object.keys(err.fields).length ? err.message : 'Check the highlighted fields.' });
    } finally {
      setBusy(false);
    }
  }

  return (
    <Card>
      <CardHeader title="Platform maximums" description="No template may ask for more than this. Existing templates keep working until they are next edited. Warm pools together keep at most the pool budget started; a project may have at most this many active templates." />
      <CardBody>
        <form onSubmit={submit} noValidate className="space-y-3">
          {status && <Alert tone={status.tone}>{status.text}</Alert>}
          <div className="grid grid-cols-2 gap-4 md:grid-cols-3">
            {FIELDS.map((f) => (
              <Field key={f.key} label={f.label} htmlFor={`max-${f.key}`} error={errors[f.key]}>
                <Input
                  id={`max-${f.key}`}
                  type="number"
                  min={0}
                  step={f.step}
                  value={values[f.key]}
                  onChange={(e) => setValues((v) => ({ ...v, [f.key]: e.target.value }))}
                  aria-invalid={Boolean(errors[f.key])}
                />
              </Field>
            ))}
          </div>
          <label className="flex items-start gap-2 text-sm text-slate-700">
            <input type="checkbox" className="mt-0.5" checked={startsOnRun} onChange={(e) => setStartsOnRun(e.target.checked)} />
            <span>
              Start a notebook&apos;s kernel on its first run, not when it is opened
              <span className="block text-xs text-slate-500">Opening a notebook then costs nothing; a running kernel is still reconnected to.</span>
            </span>
          </label>
          <div className="flex justify-end">
            <Button type="submit" variant="secondary" busy={busy}>
              Save maximums
            </Button>
          </div>
        </form>
      </CardBody>
    </Card>
  );
}
