'use client';

import { useMemo } from 'react';
import { jupyterConnectShell } from '@/common/jupyter-connect';
import { resolveGatewayUrl } from '@/common/gateway-url';
import { Card, CardHeader } from '@/components/ui/card';
import { CopyButton } from '@/components/ui/copy-button';
import { useHydrated } from '@/components/notebook/use-hydrated';

const TOKEN_PLACEHOLDER = '<an API token from below>';

/**
 * How to run JupyterLab or VS Code on your own machine with kernels on Lattice: the gateway's
 * URL as this browser reaches it, and the commands to copy (common/jupyter-connect.ts, the
 * same the conformance tests start JupyterLab with).
 */
export function ConnectJupyterCard({ gateway }: { gateway: { publicUrl: string | null; port: number } }) {
  const hydrated = useHydrated();
  const url = useMemo(
    () => (hydrated ? resolveGatewayUrl({ gatewayUrl: gateway.publicUrl, gatewayPort: gateway.port }, window.location) : (gateway.publicUrl ?? `…:${gateway.port}`)),
    [hydrated, gateway.publicUrl, gateway.port],
  );
  const lab = jupyterConnectShell('lab', url, TOKEN_PLACEHOLDER);
  const server = jupyterConnectShell('server', url, TOKEN_PLACEHOLDER);
  const block = 'overflow-x-auto whitespace-pre rounded bg-slate-900 px-3 py-2 font-mono text-xs text-slate-100';
  return (
    <Card>
      <CardHeader title="Connect a Jupyter client" description="Run kernels on Lattice from JupyterLab or VS Code on your own machine: each environment is a kernel in the client's picker." />
      <div className="space-y-4 px-4 py-4 text-sm text-slate-700">
        <div>
          <div className="text-xs font-medium text-slate-500">Gateway URL</div>
          <div className="mt-1 flex items-center gap-2">
            <code className="min-w-0 truncate font-mono text-slate-900" data-testid="gateway-url">{url}</code>
            <CopyButton value={url} />
          </div>
        </div>
        <div>
          <div className="flex items-center justify-between gap-2">
            <span className="text-xs font-medium text-slate-500">JupyterLab (jupyter_server 2 or later)</span>
            <CopyButton value={lab} />
          </div>
          <pre className={`mt-1 ${block}`} data-testid="jupyterlab-snippet">{lab}</pre>
        </div>
        <div>
          <div className="flex items-center justify-between gap-2">
            <span className="text-xs font-medium text-slate-500">VS Code</span>
            <CopyButton value={server} />
          </div>
          <pre className={`mt-1 ${block}`}>{server}</pre>
          <p className="mt-1 text-xs text-slate-500">
            Then in VS Code: Select Kernel → Existing Jupyter Server → the URL this prints (with its own token). The token stays in the environment, not in the command line others can see.
          </p>
        </div>
      </div>
    </Card>
  );
}
