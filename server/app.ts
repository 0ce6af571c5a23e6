import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { TDb } from '../db/client';
import { RevocationSweep } from './auth/revocation-sweep';
import { attachChannels } from './bridge/upgrade';
import type { TGatewayConfig } from './config';
import { createGatewayLogger } from './logging/gateway-logger';
import { RequestLogController, requestSerializers } from './logging/request-logging';
import { registerApiRoutes } from './http/api-routes';
import { requireCaller } from './http/caller-hook';
import { registerCors } from './http/cors';
import { registerErrorHandling } from './http/errors';
import { registerEventRoutes } from './http/event-routes';
import { registerJsonBodies } from './http/json-body';
import { registerKernelRoutes } from './http/kernel-routes';
import { registerKernelspecRoutes } from './http/kernelspec-routes';
import { registerMetricsRoutes } from './http/metrics-routes';
import { KernelEventBus } from './kernels/kernel-event-bus';
import { KernelManager } from './kernels/kernel-manager';
import { GatewayMetrics } from './metrics/gateway-metrics';
import { detectLocalLimits } from './provisioners/local-limits/detect';
import type { TLocalLimits } from './provisioners/local-limits/limits';
import { localProvisionerFactory } from './provisioners/local-provisioner';
import { KernelSandbox } from './provisioners/local-sandbox/kernel-sandbox';
import { SoftwareBuildWorker } from './software/build-worker';
import { LocalSoftwareBuilder } from './software/local-software-builder';
import type { TSoftwareBuilder } from './software/software-builder';
import { collectSoftware, startSoftwareGc } from './software/software-gc';
import { sandboxUidAllocator } from './kernels/sandbox-uid';
import type { TProvisionerFactory } from './provisioners/provisioner';
import { startKubernetesProvisioning, type TKubernetesProvisioning } from './provisioners/kubernetes/kubernetes-provisioning';
import { enabledProvisioners, type TProvisionerRegistry } from './provisioners/registry';

export interface TGatewayDeps {
  db: TDb;
  config: Readonly<TGatewayConfig>;
  logger?: Logger;
  /** Replaces the registry built from `config.provisioners`; tests inject fakes here. */
  provisioners?: TProvisionerRegistry;
}

export interface TGatewayApp {
  fastify: FastifyInstance;
  kernels: KernelManager;
  metrics: GatewayMetrics;
  /** One garbage collection of software environments now (it also runs every LATTICE_SOFTWARE_GC_INTERVAL_S). */
  collectSoftware(): Promise<{ builds: number; environments: number }>;
  /** Closes websockets, stops or detaches kernels (LATTICE_KERNELS_ON_EXIT), closes the server. */
  close(): Promise<void>;
}

interface TStartedProvisioners {
  registry: TProvisionerRegistry;
  limits: TLocalLimits | null;
  kubernetes: TKubernetesProvisioning | null;
  /** Who builds environments' software for the kernels this gateway runs (issue 15 §3). */
  builders: TSoftwareBuilder[];
}

/** The provisioners `config.provisioners` names, each having checked its own settings; throws for an unknown name. */
async function startProvisioners(
  config: Readonly<TGatewayConfig>,
  db: TDb,
  logger: Logger,
): Promise<TStartedProvisioners> {
  const registry = new Map<string, TProvisionerFactory>();
  const started: TStartedProvisioners = { registry, limits: null, kubernetes: null, builders: [] };
  try {
    for (const name of enabledProvisioners(config.provisioners)) {
      if (name === 'local') {
        // Chosen (and logged) once: cgroup v2, v1 or rlimits, see provisioners/local-limits/.
        started.limits = await detectLocalLimits({ mode: config.kernelLimits, parent: config.cgroupParent, logger });
        const { enabled, uidMin, uidMax } = config.localSandbox;
        const sandbox = enabled
          ? await KernelSandbox.start({ dataDir: config.dataDir, python: config.python, uidMin, uidMax, uidOfUser: sandboxUidAllocator(db, uidMin, uidMax), logger })
          : null;
        if (!sandbox) logger.warn('LATTICE_LOCAL_SANDBOX=off: local kernels are NOT isolated (they run as the gateway user, beside its data)');
        registry.set(name, localProvisionerFactory({ python: config.python, dataDir: config.dataDir, baseEnv: config.kernelBaseEnv, sparkMaster: config.sparkMaster }, started.limits, sandbox));
        started.builders.push(new LocalSoftwareBuilder({ dataDir: config.dataDir, config: config.software, sandbox, baseEnv: config.kernelBaseEnv, logger }));
      } else {
        started.kubernetes = await startKubernetesProvisioning({ config: config.kubernetes, db, logger });
        registry.set(name, started.kubernetes.factory);
        started.builders.push(started.kubernetes.softwareBuilder);
      }
    }
  } catch (err) {
    await started.limits?.close();
    await started.kubernetes?.close();
    throw err;
  }
  return started;
}

/**
 * Builds the gateway from its dependencies (no listening, no signals: that is main.ts).
 * Reattaches to kernels an earlier gateway process left running before it returns.
 */
export async function buildApp(deps: TGatewayDeps): Promise<TGatewayApp> {
  const { config, db } = deps;
  const logger = deps.logger ?? createGatewayLogger({ level: config.logLevel, format: config.logFormat });
  const { registry, limits, kubernetes, builders } = deps.provisioners
    ? { registry: deps.provisioners, limits: null, kubernetes: null, builders: [] }
    : await startProvisioners(config, db, logger);
  const events = new KernelEventBus();
  const metrics = new GatewayMetrics();
  events.subscribe((event) => {
    if (event.type === 'state') metrics.transitions.inc({ state: event.state });
  });
  const kernels = new KernelManager({
    events,
    metrics,
    replayLimits: config.wsReplay,
    pool: { dataDir: config.dataDir, refreshMs: config.poolRefreshMs, maxStarting: config.poolMaxStarting },
    db,
    registry,
    logger,
    startTimeoutMs: config.kernelStartTimeoutMs,
    shutdownWaitMs: config.kernelShutdownWaitMs,
    activityWriteIntervalMs: config.activityWriteIntervalMs,
    pollIntervalMs: config.kernelPollIntervalMs,
    sampleIntervalMs: config.kernelSampleIntervalMs,
    cullIntervalMs: config.cullIntervalMs,
    cullWarnLeadS: config.cullWarnLeadS,
    budgetCheckIntervalMs: config.budgetCheckIntervalMs,
    kernelsOnExit: config.kernelsOnExit,
  });

  const fastify = Fastify({
    loggerInstance: logger.child({}, { serializers: requestSerializers }) as FastifyBaseLogger,
    logController: new RequestLogController(),
    bodyLimit: 1024 * 1024,
  });
  registerJsonBodies(fastify);
  registerErrorHandling(fastify);
  registerCors(fastify, config.webOrigins);
  registerApiRoutes(fastify);
  registerMetricsRoutes(fastify, metrics, config.metricsToken);
  let eventStreams: ReturnType<typeof registerEventRoutes> | null = null;
  await fastify.register(async (scope) => {
    requireCaller(scope, db);
    registerKernelspecRoutes(scope, db, registry);
    registerKernelRoutes(scope, kernels);
    eventStreams = registerEventRoutes(scope, { db, events, heartbeatMs: config.eventsHeartbeatMs });
  });

  const channels = attachChannels(fastify.server, {
    db,
    kernels,
    origins: config.webOrigins,
    pingIntervalMs: config.wsPingIntervalMs,
    limits: config.wsLimits,
    logger,
    metrics,
  });
  metrics.setSources({
    kernelsByState: () => kernels.countByState(),
    pool: () => kernels.pool?.stats() ?? [],
    eventStreams: () => eventStreams?.count ?? 0,
  });
  await kernels.reattach();
  // After reattach, so that only pods no running kernel claims are swept.
  await kubernetes?.sweep().catch((err) => logger.warn({ err }, 'kubernetes pod sweep failed'));
  kubernetes?.startSweeping();
  await kernels.startWarmPool();
  const revocation = new RevocationSweep({ db, connections: channels.connections, kernels, intervalMs: config.revocationCheckMs, logger });
  revocation.start();
  const softwareBuilds = new SoftwareBuildWorker({ db, gatewayId: kernels.gatewayId, builders, pollMs: config.software.pollMs, timeoutMs: config.software.buildTimeoutMs, logger });
  if (builders.length && config.software.builds) softwareBuilds.start();
  const gcOptions = { db, dataDir: config.dataDir, builders, logger };
  const softwareGc = builders.length ? startSoftwareGc({ ...gcOptions, intervalMs: config.software.gcIntervalMs }) : null;

  return {
    fastify,
    kernels,
    metrics,
    collectSoftware: () => collectSoftware(gcOptions),
    async close() {
      softwareGc?.stop();
      await softwareBuilds.stop();
      await revocation.stop();
      channels.close();
      eventStreams?.closeAll();
      await kernels.close();
      await limits?.close();
      await kubernetes?.close();
      await fastify.close();
    },
  };
}
