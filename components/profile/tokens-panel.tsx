'use client';

import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Card, CardHeader } from '@/components/ui/card';
import { DateTime } from '@/components/ui/date-time';
import { ConfirmDialog } from '@/components/ui/dialog';
import { EmptyState } from '@/components/ui/empty-state';
import { TBody, Table, Td, Th, Tr } from '@/components/ui/table';
import { RequestError } from '@/lib/client/request-error';
import { webClient, ZUnread } from '@/lib/client/web-client';
import type { TApiTokenSummary } from '@/lib/tokens/token-summary';
import { CreateTokenForm } from './create-token-form';

/** The caller's personal API tokens: list (never the token itself), create, revoke. */
export function TokensPanel({ tokens, now }: { tokens: TApiTokenSummary[]; now: string }) {
  const router = useRouter();
  const [revoking, setRevoking] = useState<TApiTokenSummary | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function revoke() {
    if (!revoking) return;
    setBusy(true);
    setError(null);
    try {
      await webClient.send('DELETE', `/api/tokens/${revoking.id}`, ZUnread);
      setRevoking(null);
      router.refresh();
    } catch (err) {
      setError(err instanceof RequestError ? err.message : 'Could not revoke the token.');
    } finally {
      setBusy(false);
    }
  }

  return (
    <Card>
      <CardHeader
        title="API tokens"
        description={
          <>
            For Jupyter clients, scripts and CI: send <code className="font-mono">Authorization: token &lt;token&gt;</code> to the gateway (or{' '}
            <code className="font-mono">?token=</code>). A token acts as you.
          </>
        }
      />
      {tokens.length ? (
        <Table>
          <thead>
            <tr>
              <Th>Name</Th>
              <Th>Token</Th>
              <Th>Created</Th>
              <Th>Last used</Th>
              <Th>Expires</Th>
              <Th className="text-right">Actions</Th>
            </tr>
          </thead>
          <TBody>
            {tokens.map((t) => (
              <Tr key={t.id}>
                <Td className="font-medium text-slate-900">{t.name}</Td>
                <Td className="font-mono text-xs text-slate-500">{t.prefix}…</Td>
                <Td className="text-slate-500">
                  <DateTime value={t.createdAt} />
                </Td>
                <Td className="text-slate-500">
                  <DateTime value={t.lastUsedAt} empty="never" />
                </Td>
                <Td className="text-slate-500">
                  {t.expiresAt && t.expiresAt < now ? <Badge tone="red">expired</Badge> : <DateTime value={t.expiresAt} empty="never" />}
                </Td>
                <Td className="text-right">
                  <Button variant="ghost" size="sm" className="text-red-600 hover:bg-red-50 hover:text-red-700" onClick={() => (setError(null), setRevoking(t))}>
                    Revoke
                  </Button>
                </Td>
              </Tr>
            ))}
          </TBody>
        </Table>
      ) : (
        <EmptyState title="No API tokens" description="Create one to use Lattice from a Jupyter client, a script or CI." />
      )}
      <CreateTokenForm />
      <ConfirmDialog
        open={!!revoking}
        title="Revoke token?"
        description={revoking ? `"${revoking.name}" (${revoking.prefix}…) stops working immediately. This cannot be undone.` : undefined}
        confirmLabel="Revoke"
        busy={busy}
        error={error}
        onConfirm={revoke}
        onClose={() => setRevoking(null)}
      />
    </Card>
  );
}
