'use client';

import { useState } from 'react';
import { Button } from '@/components/ui/button';
import { Card, CardHeader } from '@/components/ui/card';
import type { TQuotaTable } from '@/lib/quotas/list-quota-table';
import { AddProjectUserLimit } from './add-project-user-limit';
import { QuotaTable } from './quota-table';

/** The admin quotas card: the table, plus the form for a per-user limit inside one project. */
export function QuotasPanel({ table }: { table: TQuotaTable }) {
  const [adding, setAdding] = useState(false);
  const users = table.rows.filter((r) => r.kind === 'user').map((r) => ({ id: r.userId!, name: r.name, detail: r.detail }));
  const projects = table.rows.filter((r) => r.kind === 'project').map((r) => ({ id: r.projectId!, name: r.name, detail: r.detail }));
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
      {adding && <AddProjectUserLimit users={users} projects={projects} onDone={() => setAdding(false)} />}
      <QuotaTable table={table} />
    </Card>
  );
}
