'use client';

import { useRouter } from 'next/navigation';
import { useState, type ReactNode } from 'react';
import type { TQuotaLimits } from '@/common/quota';
import { formatStorageSize } from '@/common/storage-size';
import { Alert } from '@/components/ui/alert';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Table, TBody, Td, Th, Tr } from '@/components/ui/table';
import { RequestError } from '@/lib/client/request-error';
import { webClient, ZUnread } from '@/lib/client/web-client';
import type { TQuotaTable, TQuotaTableRow } from '@/lib/quotas/list-quota-table';
import type { TSetQuotaInput } from '@/lib/quotas/set-quota';
import { formatLimitValue, LIMIT_COLUMNS } from './format';
import { LimitInput } from './limit-input';
import { DRAFT_KEYS, draftOf, parseDraft, type TLimitsDraft } from './limits-draft';
import { StorageBar, UsageBar } from './usage-bar';

/** What an inline edit writes: the subject of one row (or a default). */
interface TEditTarget {
  key: string;
  subject: Pick<TSetQuotaInput, 'scope' | 'userId' | 'projectId'>;
  limits: TQuotaLimits | null;
}

const KIND_LABEL: Record<TQuotaTableRow['kind'], string> = { user: 'user', project: 'project', project_user: 'in project' };

/** Editing starts from the effective limits; saving gives the subject its own row. */
function targetOf(row: TQuotaTableRow): TEditTarget {
  return { key: row.key, subject: { scope: row.kind, userId: row.userId, projectId: row.projectId }, limits: row.limits };
}

/**
 * The admin quotas table: the platform defaults for new users and projects first, then one
 * page of users, projects or in-project limits (searched, sorted and paged by the server) with
 * usage against each limit as bars, and inline editing (empty = unlimited).
 */
export function QuotaTable({ table, controls }: { table: TQuotaTable; controls: ReactNode }) {
  const router = useRouter();
  const [editing, setEditing] = useState<TEditTarget | null>(null);
  const [draft, setDraft] = useState<TLimitsDraft>(draftOf(null));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  const [status, setStatus] = useState<{ tone: 'success' | 'error'; text: string } | null>(null);

  const rows = table.items;
  // Storage is per project only, and its limit is a setting (LATTICE_PROJECT_STORAGE_BYTES), not edited here.
  const showStorage = table.kind === 'project' && table.projectStorageLimitBytes !== null;

  function startEdit(target: TEditTarget) {
    setEditing(target);
    setDraft(draftOf(target.limits));
    setErrors({});
    setStatus(null);
  }

  async function save(limitsOverride?: null) {
    if (!editing) return;
    let limits: TSetQuotaInput['limits'] = null;
    if (limitsOverride !== null) {
      const parsed = parseDraft(draft);
      if ('errors' in parsed) return setErrors(parsed.errors);
      limits = parsed.limits;
    }
    setBusy(true);
    try {
      await webClient.send('PUT', '/api/admin/quotas', ZUnread, { ...editing.subject, limits });
      setStatus({ tone: 'success', text: limits === null ? 'Limit removed; the default applies.' : 'Limits saved. They apply from the next launch.' });
      setEditing(null);
      router.refresh();
    } catch (err) {
      setErrors(err instanceof RequestError ? err.fields : {});
      setStatus({ tone: 'error', text: err instanceof RequestError ? err.message : 'Could not save the limits.' });
    } finally {
      setBusy(false);
    }
  }

  const editCells = (key: string) =>
    DRAFT_KEYS.map((k, i) => (
      <Td key={k} className="align-top">
        <LimitInput
          id={`q-${key}-${k}`}
          name={k}
          label={LIMIT_COLUMNS[i].label}
          value={draft[k]}
          error={errors[`limits.${k}`]}
          onChange={(v) => setDraft((d) => ({ ...d, [k]: v }))}
        />
      </Td>
    ));

  const editActions = (allowRemove: string | null) => (
    <div className="flex flex-col items-end gap-1">
      <div className="flex gap-1">
        <Button size="sm" onClick={() => save()} busy={busy}>
          Save
        </Button>
        <Button size="sm" variant="ghost" onClick={() => setEditing(null)} disabled={busy}>
          Cancel
        </Button>
      </div>
      {allowRemove && (
        <button type="button" className="text-xs text-slate-500 underline-offset-2 hover:text-slate-900 hover:underline" onClick={() => save(null)} disabled={busy}>
          {allowRemove}
        </button>
      )}
    </div>
  );

  const defaultRow = (scope: 'default_user' | 'default_project', label: string, limits: TQuotaLimits | null) => {
    const isEditing = editing?.key === scope;
    return (
      <Tr key={scope} className="bg-indigo-50/40">
        <Td>
          <div className="font-medium text-slate-900">{label}</div>
          {/* Wrapped, so the explanation does not widen the name column and push the last columns (Storage) out of view. */}
          <div className="max-w-[16rem] whitespace-normal text-xs text-slate-500">
            Platform setting: applies to every {scope === 'default_user' ? 'user' : 'project'} without its own limits, new ones included
          </div>
        </Td>
        {isEditing
          ? editCells(scope)
          : LIMIT_COLUMNS.map((c) => (
              <Td key={c.limit} className="tabular-nums">
                {limits?.[c.limit] == null ? <span className="text-slate-400">∞</span> : formatLimitValue(c.limit, limits[c.limit]!)}
              </Td>
            ))}
        {showStorage && (
          <Td className="text-xs tabular-nums" title={scope === 'default_project' ? 'Set by LATTICE_PROJECT_STORAGE_BYTES' : undefined}>
            {scope === 'default_project' ? formatStorageSize(table.projectStorageLimitBytes!) : <span className="text-slate-400">—</span>}
          </Td>
        )}
        <Td className="text-right">
          {isEditing ? editActions(limits ? 'Make unlimited' : null) : (
            <Button size="sm" variant="ghost" onClick={() => startEdit({ key: scope, subject: { scope }, limits })}>
              Edit
            </Button>
          )}
        </Td>
      </Tr>
    );
  };

  return (
    <div>
      {controls}
      {status && <Alert tone={status.tone} className="m-3">{status.text}</Alert>}
      <Table>
        <thead>
          <tr>
            <Th>Name</Th>
            {LIMIT_COLUMNS.map((c) => (
              <Th key={c.limit}>{c.label}</Th>
            ))}
            {showStorage && <Th>Storage</Th>}
            <Th className="text-right">
              <span className="sr-only">Actions</span>
            </Th>
          </tr>
        </thead>
        <TBody>
          {defaultRow('default_user', 'Default for new users', table.defaults.user)}
          {defaultRow('default_project', 'Default for new projects', table.defaults.project)}
          {rows.map((row) => {
            const isEditing = editing?.key === row.key;
            return (
              <Tr key={`${row.kind}:${row.key}`}>
                <Td className="max-w-[16rem]">
                  <div className="flex items-center gap-1.5">
                    <span className="truncate font-medium text-slate-900" title={row.name}>{row.name}</span>
                    <Badge tone={row.kind === 'user' ? 'gray' : row.kind === 'project' ? 'blue' : 'amber'}>{KIND_LABEL[row.kind]}</Badge>
                    {row.disabled && <Badge tone="red">disabled</Badge>}
                  </div>
                  <div className="flex items-center gap-1.5 text-xs text-slate-500">
                    <span className="truncate">{row.detail}</span>
                    <span aria-hidden>·</span>
                    <span className={row.source === 'explicit' ? 'text-indigo-700' : undefined}>
                      {row.source === 'explicit' ? 'own limits' : row.source === 'default' ? 'default' : 'unlimited'}
                    </span>
                  </div>
                </Td>
                {isEditing
                  ? editCells(row.key)
                  : LIMIT_COLUMNS.map((c) => (
                      <Td key={c.limit}>
                        <UsageBar limit={c.limit} used={row.usage[c.limit]} max={row.limits[c.limit]} />
                      </Td>
                    ))}
                {showStorage && <Td data-testid="project-storage">{row.storage && <StorageBar {...row.storage} />}</Td>}
                <Td className="text-right">
                  {isEditing ? (
                    editActions(row.kind === 'project_user' ? 'Remove' : row.source === 'explicit' ? 'Use default' : null)
                  ) : (
                    <Button size="sm" variant="ghost" onClick={() => startEdit(targetOf(row))}>
                      Edit
                    </Button>
                  )}
                </Td>
              </Tr>
            );
          })}
        </TBody>
      </Table>
      {rows.length === 0 && <p className="px-4 py-8 text-center text-sm text-slate-500">Nothing here matches the search.</p>}
    </div>
  );
}
