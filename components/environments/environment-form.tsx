'use client';

import { useMemo, useState, type FormEvent, type ReactElement } from 'react';
import { computeUnitsPerHour } from '@/common/metering';
import type { TEnvironmentScope, TPlatformMaximums } from '@/common/environment-input';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Field, Input, Textarea } from '@/components/ui/input';
import { Select } from '@/components/ui/select';
import { ZEnvironmentSummary } from '@/lib/client/environment-responses';
import { RequestError } from '@/lib/client/request-error';
import { webClient } from '@/lib/client/web-client';
import type { TEnvironmentSummary } from '@/lib/environments/environment-summary';
import type { TSoftwareChoices } from '@/lib/software/get-software-choices';
import { bodyOf, checkDraft, draftOf, type DYNAMIC_FIELDS, type NUMBER_FIELDS, type SPARK_FIELDS, type TEnvironmentDraft } from './environment-draft';
import { formatRate } from './format-rate';
import { PlacementFields } from './placement-fields';
import { SoftwareFields } from './software-fields';
import { hardwareSummary } from './template-labels';

/**
 * Create or edit one template. Checks the input in the browser with the same rules as the
 * server (so messages appear at once), then saves; the server's field messages are shown
 * beside the fields too. The rate and hardware label update as you type. Only a global
 * template (admins) sets a kernel command, image and warm pool; a project template picks
 * its kernel from the global ones.
 */
export function EnvironmentForm({ env, scope, kernels, endpoint, maximums, software, onSaved, onCancel }: {
  env: TEnvironmentSummary | null;
  scope: TEnvironmentScope;
  /** The global templates a project template may take its kernel from. */
  kernels: TEnvironmentSummary[];
  /** Collection URL, e.g. /api/admin/environments; edits PUT to `${endpoint}/${id}`. */
  endpoint: string;
  maximums: TPlatformMaximums;
  software: TSoftwareChoices;
  onSaved: (env: TEnvironmentSummary) => void;
  onCancel: () => void;
}) {
  const [draft, setDraft] = useState<TEnvironmentDraft>(() => draftOf(env, scope));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [message, setMessage] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const preview = useMemo(() => {
    const { values } = checkDraft(draft, maximums, scope);
    return values && { label: `${values.name} · ${hardwareSummary(values)}`, rate: computeUnitsPerHour(values) };
  }, [draft, maximums, scope]);

  const set = (key: keyof TEnvironmentDraft) => (e: { target: { value: string } }) => setDraft((d) => ({ ...d, [key]: e.target.value }));

  async function submit(e: FormEvent) {
    e.preventDefault();
    setMessage(null);
    const checked = checkDraft(draft, maximums, scope);
    if (checked.errors) {
      setErrors(checked.errors);
      setMessage('Check the highlighted fields.');
      return;
    }
    const body = bodyOf(draft);
    setErrors({});
    setBusy(true);
    try {
      const saved = await webClient.send(env ? 'PUT' : 'POST', env ? `${endpoint}/${env.id}` : endpoint, ZEnvironmentSummary, body);
      onSaved(saved);
    } catch (err) {
      if (err instanceof RequestError) {
        setErrors(err.fields);
        setMessage(Object.keys(err.fields).length ? 'Check the highlighted fields.' : err.message);
      } else setMessage('Could not save the template.');
    } finally {
      setBusy(false);
    }
  }

  const field = (key: string, label: string, control: ReactElement, hint?: string) => (
    <Field label={label} htmlFor={`env-${key}`} hint={hint} error={errors[key]}>
      {control}
    </Field>
  );
  const numberInput = (key: (typeof NUMBER_FIELDS | typeof SPARK_FIELDS | typeof DYNAMIC_FIELDS)[number], step: string, errorKey: string = key) => (
    <Input
      id={`env-${errorKey}`}
      type="number"
      inputMode="decimal"
      step={step}
      min={0}
      value={draft[key]}
      onChange={set(key)}
      aria-invalid={Boolean(errors[errorKey])}
      aria-describedby={errors[errorKey] ? `env-${errorKey}-error` : undefined}
    />
  );
  const maxCpu = `${maximums.maxCpuM / 1000} vCPU`;
  const maxMem = `${Math.round((maximums.maxMemoryMib / 1024) * 100) / 100} GiB`;

  return (
    <form onSubmit={submit} noValidate className="space-y-5">
      {message && <Alert tone="error">{message}</Alert>}
      <div className="grid grid-cols-1 gap-4 md:grid-cols-3">
        {field('name', 'Name', <Input id="env-name" value={draft.name} onChange={set('name')} aria-invalid={Boolean(errors.name)} placeholder="Python 3.11 (large)" />)}
        {field('language', 'Language', <Input id="env-language" value={draft.language} onChange={set('language')} aria-invalid={Boolean(errors.language)} />)}
        {field(
          'provisioner',
          'Provisioner',
          <Select id="env-provisioner" value={draft.provisioner} onChange={set('provisioner')}>
            <option value="local">local (process on the gateway host)</option>
            <option value="kubernetes">kubernetes (one pod per kernel)</option>
          </Select>,
        )}
        <div className="md:col-span-3">
          {field('description', 'Description', <Textarea id="env-description" rows={2} value={draft.description} onChange={set('description')} aria-invalid={Boolean(errors.description)} />)}
        </div>
        {scope === 'global' ? (
          <>
            <div className="md:col-span-2">
              {field(
                'argv',
                'Kernel command',
                <Input id="env-argv" className="font-mono" value={draft.command} onChange={set('command')} aria-invalid={Boolean(errors.argv)} placeholder="python -m ipykernel_launcher -f {connection_file}" />,
                'Empty: the provisioner’s ipykernel. Must contain {connection_file}.',
              )}
            </div>
            {field('image', 'Container image', <Input id="env-image" className="font-mono" value={draft.image} onChange={set('image')} aria-invalid={Boolean(errors.image)} placeholder="gateway default" />, 'Used by the kubernetes provisioner.')}
          </>
        ) : (
          <div className="md:col-span-3">
            {field(
              'baseEnvironmentId',
              'Kernel',
              <Select
                id="env-baseEnvironmentId"
                value={draft.baseEnvironmentId}
                aria-invalid={Boolean(errors.baseEnvironmentId)}
                onChange={(e) => {
                  const base = kernels.find((k) => k.id === e.target.value);
                  setDraft((d) => ({ ...d, baseEnvironmentId: e.target.value, language: base?.language ?? d.language }));
                }}
              >
                <option value="">Platform default (ipykernel)</option>
                {kernels.map((k) => (
                  <option key={k.id} value={k.id}>
                    {k.name} ({k.language}{k.image ? `, ${k.image}` : ''})
                  </option>
                ))}
              </Select>,
              'Kernel commands and images are defined by administrators in global templates; this template runs the chosen one’s.',
            )}
          </div>
        )}
      </div>

      <SoftwareFields
        provisioner={draft.provisioner}
        pythonVersion={draft.pythonVersion}
        packages={draft.packages}
        errors={errors}
        choices={software}
        onPythonVersion={(pythonVersion) => setDraft((d) => ({ ...d, pythonVersion }))}
        onPackages={(packages) => setDraft((d) => ({ ...d, packages }))}
      />

      {/* Placement only matters on Kubernetes; a local template that has some keeps showing it. */}
      {(draft.provisioner === 'kubernetes' || draft.nodeSelector.trim() || draft.tolerations.length > 0) && (
        <PlacementFields
          nodeSelector={draft.nodeSelector}
          tolerations={draft.tolerations}
          errors={errors}
          onNodeSelector={(nodeSelector) => setDraft((d) => ({ ...d, nodeSelector }))}
          onTolerations={(tolerations) => setDraft((d) => ({ ...d, tolerations }))}
        />
      )}

      <fieldset className="rounded-md border border-slate-200 p-4">
        <legend className="px-1 text-xs font-semibold uppercase tracking-wide text-slate-500">Resources</legend>
        <div className="grid grid-cols-2 gap-4 md:grid-cols-4">
          {field('cpuRequest', 'CPU request (vCPU)', numberInput('cpuRequest', '0.1'), 'Fractional cores, e.g. 0.5')}
          {field('cpuLimit', 'CPU limit (vCPU)', numberInput('cpuLimit', '0.1'), `At most ${maxCpu}`)}
          {field('memoryRequestGib', 'Memory request (GiB)', numberInput('memoryRequestGib', '0.25'), '0.5 GiB = 512 MiB')}
          {field('memoryLimitGib', 'Memory limit (GiB)', numberInput('memoryLimitGib', '0.25'), `At most ${maxMem}`)}
          {field('gpus', 'GPUs', numberInput('gpus', '1'), `At most ${maximums.maxGpus}`)}
          {field('idleTimeoutMinutes', 'Idle timeout (minutes)', numberInput('idleTimeoutMinutes', '1'), 'Idle kernels are stopped after this')}
          {field('noClientTimeoutMinutes', 'No-client timeout (minutes)', numberInput('noClientTimeoutMinutes', '1'), 'Kernels no notebook is connected to are stopped after this')}
          {field(
            'network',
            'Network',
            <Select id="env-network" value={draft.network} onChange={set('network')} aria-invalid={Boolean(errors.network)}>
              <option value="egress">egress (internet, never this host’s services)</option>
              <option value="none">none (no network)</option>
            </Select>,
            'What the kernel may reach besides its own sockets',
          )}
          {scope === 'global' && field('poolSize', 'Warm pool size', numberInput('poolSize', '1'), `Kernels kept started and ready; at most ${maximums.poolBudget} across all templates`)}
        </div>
      </fieldset>

      <fieldset className="rounded-md border border-slate-200 p-4">
        <legend className="px-1 text-xs font-semibold uppercase tracking-wide text-slate-500">
          <label className="inline-flex items-center gap-2">
            <input type="checkbox" checked={draft.sparkOn} onChange={(e) => setDraft((d) => ({ ...d, sparkOn: e.target.checked }))} className="h-3.5 w-3.5 rounded border-slate-300 text-indigo-600" />
            Spark
          </label>
        </legend>
        {draft.sparkOn ? (
          <div className="grid grid-cols-2 gap-4 md:grid-cols-5">
            {field('spark.driverCores', 'Driver CPU (vCPU)', numberInput('driverCores', '0.5', 'spark.driverCores'))}
            {field('spark.driverMemoryGib', 'Driver memory (GiB)', numberInput('driverMemoryGib', '0.5', 'spark.driverMemoryGib'))}
            {field('spark.executors', draft.dynamicOn ? 'Initial executors' : 'Executors', numberInput('executors', '1', 'spark.executors'), `At most ${maximums.maxExecutors}`)}
            {field('spark.executorCores', 'Executor CPU (vCPU)', numberInput('executorCores', '0.5', 'spark.executorCores'))}
            {field('spark.executorMemoryGib', 'Executor memory (GiB)', numberInput('executorMemoryGib', '0.5', 'spark.executorMemoryGib'))}
            <div className="col-span-2 space-y-3 md:col-span-5">
              <label className="inline-flex items-center gap-2 text-xs font-medium text-slate-700">
                <input
                  id="env-dynamic-allocation"
                  type="checkbox"
                  checked={draft.dynamicOn}
                  onChange={(e) => setDraft((d) => ({ ...d, dynamicOn: e.target.checked }))}
                  className="h-3.5 w-3.5 rounded border-slate-300 text-indigo-600"
                />
                Dynamic allocation: Spark adds and removes executors with the load (quotas reserve the maximum)
              </label>
              {draft.dynamicOn && (
                <div className="grid grid-cols-2 gap-4 md:grid-cols-5">
                  {field('spark.dynamicAllocation.minExecutors', 'Minimum executors', numberInput('minExecutors', '1', 'spark.dynamicAllocation.minExecutors'), 'At most the initial executors')}
                  {field('spark.dynamicAllocation.maxExecutors', 'Maximum executors', numberInput('maxExecutors', '1', 'spark.dynamicAllocation.maxExecutors'), `At least the initial, at most ${maximums.maxExecutors}`)}
                </div>
              )}
            </div>
          </div>
        ) : (
          <p className="text-xs text-slate-500">The kernel runs as the Spark driver with executor pods; executors count towards quotas and the rate.</p>
        )}
      </fieldset>

      <div className="flex flex-wrap items-center justify-between gap-3 border-t border-slate-200 pt-4">
        <p className="text-sm text-slate-600" aria-live="polite">
          {preview ? (
            <>
              <span className="font-medium text-slate-900">{preview.label}</span> · <span className="tabular-nums">{formatRate(preview.rate)}</span>
            </>
          ) : (
            <span className="text-slate-400">Fill in the resources to see the rate.</span>
          )}
        </p>
        <div className="flex gap-2">
          <Button variant="secondary" onClick={onCancel} disabled={busy}>
            Cancel
          </Button>
          <Button type="submit" busy={busy}>
            {env ? 'Save changes' : 'Create template'}
          </Button>
        </div>
      </div>
    </form>
  );
}
