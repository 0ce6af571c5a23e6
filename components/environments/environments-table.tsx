import type { ReactNode } from 'react';
import { Badge } from '@/components/ui/badge';
import { cn } from '@/components/ui/cn';
import { Table, TBody, Td, Th, Tr } from '@/components/ui/table';
import type { TEnvironmentSummary } from '@/lib/environments/environment-summary';
import { EnvironmentStatus } from './environment-status';
import { formatRate, RATE_FORMULA } from './format-rate';
import { SoftwareBuildBadge } from './software-build-badge';
import { DEFAULT_SOFTWARE_CONTENTS, softwareSummary } from './software-build-labels';
import { hardwareSummary, placementLabel } from './template-labels';

/**
 * Templates with their hardware, software (and its build), rate and status; `actions` renders
 * each row's buttons, `onShowLog` opens a build's log (offered to those who may read it).
 */
export function EnvironmentsTable({ environments, actions, onShowLog, showScope = false }: {
  environments: TEnvironmentSummary[];
  actions?: (env: TEnvironmentSummary) => ReactNode;
  onShowLog?: (env: TEnvironmentSummary) => void;
  showScope?: boolean;
}) {
  return (
    <Table>
      <thead>
        <tr>
          <Th>Template</Th>
          <Th>Hardware</Th>
          <Th>Software</Th>
          <Th className="text-right" title={RATE_FORMULA}>
            Rate
          </Th>
          <Th>Provisioner</Th>
          <Th className="text-right">Pool</Th>
          <Th>Status</Th>
          {actions && <Th className="text-right">
            <span className="sr-only">Actions</span>
          </Th>}
        </tr>
      </thead>
      <TBody>
        {environments.map((env) => (
          <Tr key={env.id} className={cn(env.archivedAt && 'opacity-60')}>
            <Td className="max-w-xs whitespace-normal">
              <div className="flex items-center gap-2">
                <span className="font-medium text-slate-900">{env.name}</span>
                {showScope && <Badge tone={env.projectId ? 'blue' : 'gray'}>{env.projectId ? 'project' : 'global'}</Badge>}
              </div>
              <div className="font-mono text-xs text-slate-500">{env.slug}</div>
              {env.description && <div className="mt-0.5 truncate text-xs text-slate-500" title={env.description}>{env.description}</div>}
            </Td>
            <Td>
              <span className="text-slate-900" data-testid="template-hardware">{hardwareSummary(env)}</span>
              <div className="text-xs text-slate-500">
                requests {env.cpuRequestM / 1000} vCPU · {Math.round((env.memoryRequestMib / 1024) * 100) / 100} GiB
                {env.spark && ` · driver ${env.spark.driverCores} vCPU`}
              </div>
            </Td>
            <Td className="w-64 min-w-[12rem] max-w-[16rem] whitespace-normal">
              <div className="whitespace-normal text-xs text-slate-700" data-testid="template-software" title={env.packages || DEFAULT_SOFTWARE_CONTENTS}>
                {softwareSummary(env)}
              </div>
              {env.softwareBuild && (
                <div className="mt-1 flex items-start gap-2">
                  <SoftwareBuildBadge build={env.softwareBuild} compact />
                  {onShowLog && (
                    <button type="button" className="shrink-0 text-[11px] font-medium text-indigo-600 hover:underline" onClick={() => onShowLog(env)}>
                      Build log
                    </button>
                  )}
                </div>
              )}
            </Td>
            <Td className="text-right font-medium tabular-nums text-slate-900">{formatRate(env.computeUnitsPerHour)}</Td>
            <Td className="max-w-xs whitespace-normal">
              <span className="font-mono text-xs">{env.provisioner}</span>
              {/* A project template's own image and pool are never used (the gateway runs its global kernel's). */}
              {env.image && !env.projectId && <div className="truncate font-mono text-[11px] text-slate-500" title={env.image}>{env.image}</div>}
              {env.network === 'none' && (
                <div className="text-[11px] text-slate-500" data-testid="template-network">
                  no network
                </div>
              )}
              {placementLabel(env.placement) && (
                <div className="truncate text-[11px] text-slate-500" title={placementLabel(env.placement)} data-testid="template-placement">
                  {placementLabel(env.placement)}
                </div>
              )}
            </Td>
            <Td className="text-right tabular-nums">{env.projectId ? '—' : env.poolSize}</Td>
            <Td>
              <EnvironmentStatus env={env} />
            </Td>
            {actions && <Td className="text-right">{actions(env)}</Td>}
          </Tr>
        ))}
      </TBody>
    </Table>
  );
}
