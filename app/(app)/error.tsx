'use client';

import { Button } from '@/components/ui/button';
import { EmptyState } from '@/components/ui/empty-state';
import { PageContainer } from '@/components/ui/page-container';

/** Unexpected errors inside the app shell; the details are in the server log, not here. */
export default function AppError({ reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <PageContainer>
      <EmptyState
        title="Something went wrong"
        description="The page could not be loaded. Try again; if it keeps happening, contact your administrator."
        action={<Button onClick={reset}>Try again</Button>}
      />
    </PageContainer>
  );
}
