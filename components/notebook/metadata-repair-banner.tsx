'use client';

import { useEffect, useMemo, useState } from 'react';
import { metadataProblems } from '@/common/nbformat/invalid-metadata';
import type { TNotebookMetadata } from '@/common/nbformat/schema';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';

/**
 * The warning a notebook with invalid metadata opens with: what is wrong, and a one-click
 * repair. `onRepaired` (save) runs once the repaired model has rendered, so the saver sees it.
 */
export function MetadataRepairBanner({ metadata, readOnly, onRepair, onRepaired }: { metadata: TNotebookMetadata; readOnly: boolean; onRepair: () => void; onRepaired: () => void }) {
  const problems = useMemo(() => metadataProblems(metadata), [metadata]);
  const [repairs, setRepairs] = useState(0);
  useEffect(() => {
    if (repairs) onRepaired();
  }, [repairs, onRepaired]);
  if (!problems.length) return null;
  return (
    <Alert tone="warning" title="This notebook's metadata does not follow the nbformat schema" className="mb-3">
      <div data-testid="metadata-problems">
        <p>These values were kept aside when it was opened; the cells are unaffected.</p>
        <ul className="mt-1 list-disc pl-5 font-mono text-xs">
          {problems.map((p, i) => (
            <li key={i}>{p.problem}</li>
          ))}
        </ul>
        {readOnly ? (
          <p className="mt-2 text-xs">Someone who may edit the notebook can repair it.</p>
        ) : (
          <div className="mt-2 flex items-center gap-3">
            <Button size="sm" variant="secondary" onClick={() => (onRepair(), setRepairs((n) => n + 1))}>
              Repair
            </Button>
            <span className="text-xs">Values with a clear meaning are corrected (&quot;true&quot; → true, &quot;slow&quot; → [&quot;slow&quot;]); the others are dropped. The notebook is then saved.</span>
          </div>
        )}
      </div>
    </Alert>
  );
}
