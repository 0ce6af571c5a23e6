'use client';

import { Button } from '@/components/ui/button';
import { Field, Input, Textarea } from '@/components/ui/input';
import { Select } from '@/components/ui/select';
import type { TTolerationDraft } from './environment-draft';

const EMPTY_TOLERATION: TTolerationDraft = { key: '', operator: 'Equal', value: '', effect: '' };

/**
 * Where the kubernetes provisioner may put the template's pods: a node selector (one
 * `key=value` per line) and tolerations (key, operator, value, effect). Errors come keyed
 * as the server sends them (`placement.nodeSelector`, `placement.tolerations.0.key`, …).
 */
export function PlacementFields({ nodeSelector, tolerations, errors, onNodeSelector, onTolerations }: {
  nodeSelector: string;
  tolerations: TTolerationDraft[];
  errors: Record<string, string>;
  onNodeSelector: (text: string) => void;
  onTolerations: (rows: TTolerationDraft[]) => void;
}) {
  const change = (i: number, patch: Partial<TTolerationDraft>) => onTolerations(tolerations.map((t, j) => (j === i ? { ...t, ...patch } : t)));
  const error = (i: number, k: keyof TTolerationDraft) => errors[`placement.tolerations.${i}.${k}`];
  const id = (i: number, k: keyof TTolerationDraft) => `env-placement.tolerations.${i}.${k}`;
  return (
    <fieldset className="rounded-md border border-slate-200 p-4">
      <legend className="px-1 text-xs font-semibold uppercase tracking-wide text-slate-500">Placement (kubernetes)</legend>
      <div className="grid grid-cols-1 gap-4 md:grid-cols-3">
        <Field
          label="Node selector"
          htmlFor="env-placement.nodeSelector"
          hint="One label per line, key=value: pods only go to nodes with all of them."
          error={errors['placement.nodeSelector']}
        >
          <Textarea
            id="env-placement.nodeSelector"
            rows={3}
            className="font-mono"
            value={nodeSelector}
            onChange={(e) => onNodeSelector(e.target.value)}
            placeholder="pool=notebooks"
            aria-invalid={Boolean(errors['placement.nodeSelector'])}
          />
        </Field>
        <div className="space-y-2 md:col-span-2">
          <p className="text-xs font-medium text-slate-700">Tolerations</p>
          {tolerations.length === 0 && <p className="text-xs text-slate-500">None: pods avoid tainted nodes.</p>}
          {tolerations.map((t, i) => (
            <div key={i} className="grid grid-cols-[1fr_7rem_1fr_10rem_auto] items-start gap-2" data-testid="toleration-row">
              <div>
                <Input id={id(i, 'key')} aria-label={`Toleration ${i + 1} key`} className="font-mono" placeholder="key" value={t.key} onChange={(e) => change(i, { key: e.target.value })} aria-invalid={Boolean(error(i, 'key'))} />
                {error(i, 'key') && <p className="mt-1 text-xs text-red-600">{error(i, 'key')}</p>}
              </div>
              <div>
                <Select id={id(i, 'operator')} aria-label={`Toleration ${i + 1} operator`} value={t.operator} onChange={(e) => change(i, { operator: e.target.value as TTolerationDraft['operator'] })}>
                  <option value="Equal">Equal</option>
                  <option value="Exists">Exists</option>
                </Select>
                {error(i, 'operator') && <p className="mt-1 text-xs text-red-600">{error(i, 'operator')}</p>}
              </div>
              <div>
                <Input id={id(i, 'value')} aria-label={`Toleration ${i + 1} value`} className="font-mono" placeholder={t.operator === 'Exists' ? '(none)' : 'value'} value={t.value} onChange={(e) => change(i, { value: e.target.value })} aria-invalid={Boolean(error(i, 'value'))} />
                {error(i, 'value') && <p className="mt-1 text-xs text-red-600">{error(i, 'value')}</p>}
              </div>
              <div>
                <Select id={id(i, 'effect')} aria-label={`Toleration ${i + 1} effect`} value={t.effect} onChange={(e) => change(i, { effect: e.target.value as TTolerationDraft['effect'] })}>
                  <option value="">any effect</option>
                  <option value="NoSchedule">NoSchedule</option>
                  <option value="PreferNoSchedule">PreferNoSchedule</option>
                  <option value="NoExecute">NoExecute</option>
                </Select>
                {error(i, 'effect') && <p className="mt-1 text-xs text-red-600">{error(i, 'effect')}</p>}
              </div>
              <Button size="sm" variant="secondary" className="h-9" aria-label={`Remove toleration ${i + 1}`} onClick={() => onTolerations(tolerations.filter((_, j) => j !== i))}>
                Remove
              </Button>
            </div>
          ))}
          {errors['placement.tolerations'] && <p className="text-xs text-red-600">{errors['placement.tolerations']}</p>}
          <Button size="sm" variant="secondary" onClick={() => onTolerations([...tolerations, EMPTY_TOLERATION])}>
            Add toleration
          </Button>
        </div>
      </div>
    </fieldset>
  );
}
