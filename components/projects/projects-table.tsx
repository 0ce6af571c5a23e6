import Link from 'next/link';
import { Badge } from '@/components/ui/badge';
import { DateTime } from '@/components/ui/date-time';
import { TBody, Table, Td, Th, Tr } from '@/components/ui/table';
import type { TProjectSummary } from '@/lib/projects/project-summary';
import { RoleBadge } from './role-badge';

export function ProjectsTable({ projects }: { projects: TProjectSummary[] }) {
  return (
    <Table>
      <thead>
        <tr>
          <Th>Name</Th>
          <Th>Your role</Th>
          <Th className="text-right">Notebooks</Th>
          <Th className="text-right">Members</Th>
          <Th>Created</Th>
        </tr>
      </thead>
      <TBody>
        {projects.map((p) => (
          <Tr key={p.id}>
            <Td className="max-w-md whitespace-normal">
              <div className="flex items-center gap-2">
                <Link href={`/projects/${p.id}`} className="font-medium text-indigo-700 hover:text-indigo-900 hover:underline">
                  {p.name}
                </Link>
                {p.personal && <Badge tone="amber">personal</Badge>}
              </div>
              {p.description && <p className="mt-0.5 line-clamp-1 text-xs text-slate-500">{p.description}</p>}
            </Td>
            <Td>{p.role ? <RoleBadge role={p.role} /> : <span className="text-xs text-slate-400">admin access</span>}</Td>
            <Td className="text-right tabular-nums">{p.notebookCount}</Td>
            <Td className="text-right tabular-nums">{p.memberCount}</Td>
            <Td className="text-slate-500">
              <DateTime value={p.createdAt} />
            </Td>
          </Tr>
        ))}
      </TBody>
    </Table>
  );
}
