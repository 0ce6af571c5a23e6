import { Badge } from '@/components/ui/badge';

const TONE = { owner: 'indigo', editor: 'blue', viewer: 'gray', admin: 'amber', member: 'gray' } as const;

/** A project role (owner/editor/viewer) or platform role (admin/member) as a badge. */
export function RoleBadge({ role }: { role: keyof typeof TONE }) {
  return <Badge tone={TONE[role]}>{role}</Badge>;
}
