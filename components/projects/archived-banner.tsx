'use client';

import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { DateTime } from '@/components/ui/date-time';
import { errorMessage } from '@/lib/client/request-error';
import { webClient, ZUnread } from '@/lib/client/web-client';

/** The notice an archived project's page opens with; owners and admins restore it from here. */
export function ArchivedBanner({ projectId, archivedAt, canRestore }: { projectId: string; archivedAt: string; canRestore: boolean }) {
  const router = useRouter();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function restore() {
    setBusy(true);
    setError(null);
    try {
      await webClient.send('DELETE', `/api/projects/${projectId}/archive`, ZUnread);
      router.refresh();
    } catch (err) {
      setError(errorMessage(err, 'Could not restore the project.'));
    } finally {
      setBusy(false);
    }
  }

  return (
    <div role="status" data-testid="archived-banner" className="flex flex-wrap items-center justify-between gap-3 rounded-lg border border-amber-200 bg-amber-50 px-4 py-3 text-sm text-amber-900">
      <p>
        <strong>Archived</strong> <DateTime value={archivedAt} />: this project is read-only and its kernels are stopped.
        {canRestore ? ' Restore it to change it or run its notebooks again.' : ' Its owners can restore it.'}
      </p>
      {canRestore && (
        <Button size="sm" variant="secondary" onClick={() => void restore()} busy={busy}>
          Restore
        </Button>
      )}
      {error && <Alert tone="error" className="w-full">{error}</Alert>}
    </div>
  );
}
