'use client';

import { useState, type ReactNode } from 'react';
import { Button } from '@/components/ui/button';
import { Card, CardHeader } from '@/components/ui/card';
import type { TQuotaTable } from '@/lib/quotas/list-quota-table';
import { AddProjectUserLimit } from './add-project-user-limit';
import { QuotaTable } from './quota-table';

/**
 * The admin quotas card: the platform defaults and one page of limits (with the page's search
 * and pager around it), plus the form for a per-user limit inside one project.
 */
export function QuotasPanel({ table, controls, pager }: { table: TQuotaTable; controls: ReactNode; pager: ReactNode }) {
  const [adding, setAdding] = useState(false);
  return (
    <Card>
      <CardHeader
        title="Limits and usage"
        description="A user’s limits apply across all their projects; a project’s across all its members. Empty = unlimited."
        actions={
          !adding && (
            <Button size="sm" variant="secondary" onClick={() => setAdding(true)}>
              Add in-project limit
            </Button>
          )
        }
      />
      {adding && <AddProjectUserLimit onDone={() => setAdding(false)} />}
      <QuotaTable table={table} controls={controls} />
      {pager}
    </Card>
  );
}
