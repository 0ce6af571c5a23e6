'use client';

import { useEffect, useState } from 'react';
import { z } from 'zod';
import { Input } from '@/components/ui/input';
import { Select } from '@/components/ui/select';
import { webClient } from '@/lib/client/web-client';

const PICKER_SIZE = 20;

/** What the two lists answer, reduced to what a choice needs. */
const ZChoices = z.object({
  items: z.array(z.object({ id: z.string(), name: z.string(), email: z.string().optional(), slug: z.string().optional() })),
});

/**
 * Chooses a user or project by searching the server's list (`GET /api/users` or
 * `/api/projects`, first 20 matches): with 10,000 of each, listing them all in a select sent
 * megabytes with the quotas page.
 */
export function SubjectPicker({ id, what, value, onChange, invalid }: {
  id: string;
  what: 'user' | 'project';
  value: string;
  onChange: (id: string) => void;
  invalid: boolean;
}) {
  const [text, setText] = useState('');
  const [choices, setChoices] = useState<z.infer<typeof ZChoices>['items']>([]);
  useEffect(() => {
    let current = true;
    const path = what === 'user' ? '/api/users' : '/api/projects';
    const timer = setTimeout(() => {
      webClient
        .get(`${path}?${new URLSearchParams({ q: text.trim(), limit: String(PICKER_SIZE) })}`, ZChoices)
        .then((page) => current && setChoices(page.items))
        .catch(() => current && setChoices([]));
    }, 250);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [text, what]);
  return (
    <div className="space-y-1">
      <Input type="search" aria-label={`Search ${what}s`} placeholder={what === 'user' ? 'Name or email' : 'Name or slug'} value={text} onChange={(e) => setText(e.target.value)} />
      <Select id={id} value={value} onChange={(e) => onChange(e.target.value)} aria-invalid={invalid}>
        <option value="">Choose…</option>
        {choices.map((c) => (
          <option key={c.id} value={c.id}>
            {c.name} ({c.email ?? c.slug})
          </option>
        ))}
      </Select>
    </div>
  );
}
