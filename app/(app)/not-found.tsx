import Link from 'next/link';
import { buttonClasses } from '@/components/ui/button';
import { EmptyState } from '@/components/ui/empty-state';
import { PageContainer } from '@/components/ui/page-container';

/** Shown for anything the caller may not see as well as what does not exist (no difference is revealed). */
export default function NotFound() {
  return (
    <PageContainer>
      <EmptyState
        title="Not found"
        description="This page does not exist, or you do not have access to it. Ask a project owner if you think you should."
        action={
          <Link href="/projects" className={buttonClasses('secondary')}>
            Back to projects
          </Link>
        }
      />
    </PageContainer>
  );
}
