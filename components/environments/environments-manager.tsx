'use client';

import { useRouter } from 'next/navigation';
import { useMemo, useState } from 'react';
import type { TEnvironmentScope, TPlatformMaximums } from '@/common/environment-input';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Card, CardBody, CardHeader } from '@/components/ui/card';
import { ConfirmDialog } from '@/components/ui/dialog';
import { EmptyState } from '@/components/ui/empty-state';
import { RequestError } from '@/lib/client/request-error';
import { webClient, ZUnread } from '@/lib/client/web-client';
import type { TEnvironmentSummary } from '@/lib/environments/environment-summary';
import type { TSoftwareChoices } from '@/lib/software/get-software-choices';
import { EnvironmentForm } from './environment-form';
import { EnvironmentsTable } from './environments-table';
import { SoftwareBuildLogDialog } from './software-build-log-dialog';
import { useLiveSoftwareBuilds } from './use-live-software-builds';

// One empty list for every render, so the live-build overlay keeps its state between renders.
const NO_TEMPLATES: TEnvironmentSummary[] = [];

/**
 * Templates of one scope (global for admins, or a project's for its owners) with create,
 * edit, archive and unarchive, and their software builds followed live with their logs.
 * `readOnly` templates (the global ones on a project page) are listed without actions.
 */
export function EnvironmentsManager({ title, description, environments, readOnly = NO_TEMPLATES, scope, endpoint, maximums, software, canManage }: {
  title: string;
  /** `global`: the templates define their kernels; `project`: they pick one of the `readOnly` (global) ones. */
  scope: TEnvironmentScope;
  description?: string;
  environments: TEnvironmentSummary[];
  readOnly?: TEnvironmentSummary[];
  endpoint: string;
  maximums: TPlatformMaximums;
  software: TSoftwareChoices;
  canManage: boolean;
}) {
  const router = useRouter();
  const [editing, setEditing] = useState<TEnvironmentSummary | 'new' | null>(null);
  const [archiving, setArchiving] = useState<TEnvironmentSummary | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [showingLog, setShowingLog] = useState<TEnvironmentSummary | null>(null);
  const shown = useMemo(() => [...environments, ...readOnly], [environments, readOnly]);
  // The list route of this scope returns every template shown here (a project's answers with the global ones).
  const withLiveBuild = useLiveSoftwareBuilds(shown, scope === 'global' ? endpoint : `${endpoint}?includeArchived=1`);

  async function setArchived(env: TEnvironmentSummary, archived: boolean) {
    setBusy(true);
    setError(null);
    try {
      await webClient.send(archived ? 'POST' : 'DELETE', `${endpoint}/${env.id}/archive`, ZUnread);
      setArchiving(null);
      setNotice(archived ? `${env.name} is archived: hidden from pickers, running kernels unaffected.` : `${env.name} is available again.`);
      router.refresh();
    } catch (err) {
      setError(err instanceof RequestError ? err.message : 'Could not change the template.');
    } finally {
      setBusy(false);
    }
  }

  const actions = (env: TEnvironmentSummary) => (
    <div className="flex justify-end gap-1">
      <Button size="sm" variant="ghost" onClick={() => setEditing(env)} disabled={Boolean(env.archivedAt)}>
        Edit
      </Button>
      {env.archivedAt ? (
        <Button size="sm" variant="ghost" onClick={() => setArchived(env, false)} disabled={busy}>
          Unarchive
        </Button>
      ) : (
        !env.isDefault && (
          <Button size="sm" variant="ghost" onClick={() => setArchiving(env)}>
            Archive
          </Button>
        )
      )}
    </div>
  );

  return (
    <div className="space-y-4">
      {notice && <Alert tone="success">{notice}</Alert>}
      {error && !archiving && <Alert tone="error">{error}</Alert>}
      {editing && (
        <Card>
          <CardHeader
            title={editing === 'new' ? 'New template' : `Edit ${editing.name}`}
            description={editing === 'new' ? 'The kernelspec name is derived from the name.' : `Kernelspec ${editing.slug}. Running kernels keep the settings they were started with.`}
          />
          <CardBody>
            <EnvironmentForm
              key={editing === 'new' ? 'new' : editing.id}
              env={editing === 'new' ? null : editing}
              scope={scope}
              kernels={readOnly}
              endpoint={endpoint}
              maximums={maximums}
              software={software}
              onCancel={() => setEditing(null)}
              onSaved={(env) => {
                setEditing(null);
                setNotice(`Saved ${env.name} (${env.slug}).`);
                router.refresh();
              }}
            />
          </CardBody>
        </Card>
      )}
      <Card>
        <CardHeader
          title={title}
          description={description}
          actions={canManage && !editing ? <Button size="sm" onClick={() => setEditing('new')}>New template</Button> : undefined}
        />
        {environments.length ? (
          <EnvironmentsTable environments={environments.map(withLiveBuild)} actions={canManage ? actions : undefined} onShowLog={setShowingLog} />
        ) : (
          <EmptyState title="No templates yet" description={canManage ? 'Create one to offer it in this scope’s environment picker.' : undefined} />
        )}
      </Card>
      {readOnly.length > 0 && (
        <Card>
          <CardHeader title="Global templates" description="Managed by administrators; available in every project." />
          <EnvironmentsTable environments={readOnly.map(withLiveBuild)} />
        </Card>
      )}
      <SoftwareBuildLogDialog env={showingLog} onClose={() => setShowingLog(null)} />
      <ConfirmDialog
        open={archiving !== null}
        title={`Archive ${archiving?.name ?? ''}?`}
        description="It disappears from environment pickers and the gateway’s kernelspecs. Running kernels and usage history are kept; you can unarchive it later."
        confirmLabel="Archive"
        busy={busy}
        error={error}
        onConfirm={() => archiving && setArchived(archiving, true)}
        onClose={() => {
          setArchiving(null);
          setError(null);
        }}
      />
    </div>
  );
}
