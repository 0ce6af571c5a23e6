import type { Metadata } from 'next';
import { ChangePasswordForm } from '@/components/profile/change-password-form';
import { ConnectJupyterCard } from '@/components/profile/connect-jupyter-card';
import { NameForm } from '@/components/profile/name-form';
import { TokensPanel } from '@/components/profile/tokens-panel';
import { RoleBadge } from '@/components/projects/role-badge';
import { MyQuota } from '@/components/quotas/my-quota';
import { Card, CardBody, CardHeader } from '@/components/ui/card';
import { PageContainer } from '@/components/ui/page-container';
import { PageHeader } from '@/components/ui/page-header';
import { requirePageUser } from '@/lib/auth/require-page-user';
import { getConfig } from '@/lib/config';
import { getDb } from '@/lib/db';
import { getMyQuota } from '@/lib/quotas/get-my-quota';
import { listApiTokens } from '@/lib/tokens/list-api-tokens';

export const metadata: Metadata = { title: 'Profile · Lattice' };

export default async function ProfilePage() {
  const user = await requirePageUser();
  const config = getConfig();
  const [tokens, quota] = await Promise.all([listApiTokens(getDb(), user), getMyQuota(getDb(), user)]);
  return (
    <PageContainer>
      <PageHeader title="Profile" description="Your account, connecting Jupyter clients, and personal API tokens." />
      <div className="space-y-6">
        <Card>
          <CardHeader title="Account" />
          <dl className="grid grid-cols-1 gap-x-6 gap-y-3 px-4 py-4 text-sm sm:grid-cols-3">
            <div>
              <dt className="text-xs font-medium text-slate-500">Name</dt>
              <dd className="mt-0.5">
                <NameForm name={user.name} />
              </dd>
            </div>
            <div>
              <dt className="text-xs font-medium text-slate-500">Email</dt>
              <dd className="mt-0.5 text-slate-900">{user.email}</dd>
            </div>
            <div>
              <dt className="text-xs font-medium text-slate-500">Platform role</dt>
              <dd className="mt-0.5">
                <RoleBadge role={user.role} />
              </dd>
            </div>
          </dl>
        </Card>
        <Card>
          <CardHeader title="Password" description="Changing it signs out your other sessions; your API tokens keep working." />
          <CardBody className="max-w-sm">
            <ChangePasswordForm />
          </CardBody>
        </Card>
        <ConnectJupyterCard gateway={{ publicUrl: config.LATTICE_GATEWAY_PUBLIC_URL ?? null, port: config.LATTICE_GATEWAY_PORT }} />
        <MyQuota quota={quota} />
        <TokensPanel tokens={tokens} now={new Date().toISOString()} />
      </div>
    </PageContainer>
  );
}
