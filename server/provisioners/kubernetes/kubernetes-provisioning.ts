import type { Logger } from 'pino';
import { z } from 'zod';
import type { TDb } from '../../../db/client';
import type { TKubernetesConfig } from '../../config';
import type { TProvisionerFactory } from '../provisioner';
import { apiMessage } from './api-errors';
import { ClientNodePodApi } from './client-node-pod-api';
import { KubernetesProvisioner } from './kubernetes-provisioner';
import { createKubernetesSoftwareBuilder } from './kubernetes-software-builder';
import type { TSoftwareBuilder } from '../../software/software-builder';
import type { PodApi } from './pod-api';
import { PodSweeper } from './pod-sweeper';
import { PodWatch } from './pod-watch';
import { ProjectNamespaces } from './project-namespace';

const dnsLabel = z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'must be a DNS-1123 label').max(63);
const dnsSubdomain = z.string().regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, 'must be a DNS-1123 subdomain').max(253);

/** The provisioner's own check of its settings (config.ts parsed the variables; this checks what Kubernetes needs). */
const ZKubernetesConfig = z.object({
  namespacePrefix: z.string().max(40, 'leave room for the project slug'),
  createNamespaces: z.boolean(),
  podNamePrefix: z.string().max(26, 'pod names are <prefix><kernel id> and must fit in 63 characters'),
  kernelImage: z.string().min(1),
  sparkImage: z.string().min(1),
  kernelPython: z.string().min(1),
  serviceAccount: dnsLabel,
  runAsUser: z.number().int().min(1),
  apiUrlForPods: z.string().url(),
  sweepIntervalMs: z.number().positive(),
  mirrorQuotas: z.boolean(),
  launchTimeoutMs: z.number().positive(),
  platformNamespace: dnsLabel,
  internalCidrs: z.array(z.string()).readonly(),
  apiServerCidrs: z.array(z.string()).readonly(),
  projectStorage: z.object({
    storageClass: dnsSubdomain.nullable(),
    accessMode: z.enum(['ReadWriteMany', 'ReadWriteOnce']),
    bytes: z.number().int().positive(),
  }),
  software: z.object({
    volumeSource: z.record(z.string(), z.unknown()).nullable(),
    dir: z.string().startsWith('/'),
    buildProxy: z.string().nullable(),
  }),
});

/** The `kubernetes` provisioner of one gateway: its registry entry plus what runs beside it. */
export interface TKubernetesProvisioning {
  factory: TProvisionerFactory;
  /** Builds `image:` software (the build worker's), over this gateway's cluster connection. */
  softwareBuilder: TSoftwareBuilder;
  /** Deletes orphan kernel pods now; call once after reattach. */
  sweep(): Promise<number>;
  /** Starts the periodic sweep. */
  startSweeping(): void;
  /** Stops the sweeper and the watch (after the kernels have been stopped or detached). */
  close(): Promise<void>;
}

/**
 * Connects to the cluster (KUBECONFIG, else in-cluster), checks that kernel pods can be
 * listed and starts the shared pod watch. Throws at gateway start-up, with what to fix, when
 * the settings are invalid or the cluster cannot be reached.
 */
export async function startKubernetesProvisioning(opts: {
  config: Readonly<TKubernetesConfig>;
  db: TDb;
  logger: Logger;
  /** Replaces the cluster connection; the provisioner's unit test passes an in-memory API. */
  api?: PodApi;
}): Promise<TKubernetesProvisioning> {
  const checked = ZKubernetesConfig.safeParse(opts.config);
  if (!checked.success) {
    throw new Error(`Invalid kubernetes provisioner settings: ${checked.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  const config = Object.freeze(checked.data);
  const logger = opts.logger.child({ provisioner: 'kubernetes' });
  const api = opts.api ?? new ClientNodePodApi();
  const server = api.server;
  const watch = new PodWatch(api, logger);
  try {
    await watch.start();
  } catch (err) {
    await watch.stop();
    await api.close();
    throw new Error(
      `The kubernetes provisioner cannot list kernel pods at ${server} (set KUBECONFIG, or run in a pod with the gateway's service account): ${apiMessage(err)}`,
    );
  }
  logger.info({ server }, 'kubernetes provisioner connected');
  const shared = {
    config,
    db: opts.db,
    api,
    watch,
    namespaces: new ProjectNamespaces({
      api,
      createNamespaces: config.createNamespaces,
      serviceAccount: config.serviceAccount,
      network: config,
      projectStorage: config.projectStorage,
      softwareVolumeSource: config.software.volumeSource,
    }),
  };
  const sweeper = new PodSweeper({ db: opts.db, api, watch, logger, intervalMs: config.sweepIntervalMs, namespacePrefix: config.namespacePrefix });
  return {
    factory: {
      interruptMode: 'message',
      create: (ctx) => new KubernetesProvisioner(shared, ctx),
      fromInfo: (info, ctx) => KubernetesProvisioner.fromInfo(shared, info, ctx),
    },
    softwareBuilder: createKubernetesSoftwareBuilder({ api, config }),
    sweep: () => sweeper.sweep(),
    startSweeping: () => sweeper.start(),
    async close() {
      await sweeper.stop();
      await watch.stop();
      await api.close();
    },
  };
}
