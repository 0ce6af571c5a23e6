import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { pino, type Logger } from 'pino';
import type { TDb } from '../db/client';
import { attachChannels } from './bridge/upgrade';
import type { TGatewayConfig } from './config';
import { registerApiRoutes } from './http/api-routes';
import { requireCaller } from './http/caller-hook';
import { registerCors } from './http/cors';
import { registerErrorHandling } from './http/errors';
import { registerJsonBodies } from './http/json-body';
import { registerKernelRoutes } from './http/kernel-routes';
import { registerKernelspecRoutes } from './http/kernelspec-routes';
import { KernelManager } from './kernels/kernel-manager';
import { detectLocalLimits } from './provisioners/local-limits/detect';
import type { TLocalLimits } from './provisioners/local-limits/limits';
import { localProvisionerFactory } from './provisioners/local-provisioner';
import type { TProvisionerFactory } from './provisioners/provisioner';
import { ProvisionerRegistry } from './provisioners/registry';

export interface TGatewayDeps {
  db: TDb;
  config: Readonly<TGatewayConfig>;
  logger?: Logger;
  /** Replaces the default registry (`local` only); tests inject fakes here. */
  provisioners?: readonly TProvisionerFactory[];
}

export interface TGatewayApp {
  fastify: FastifyInstance;
  kernels: KernelManager;
  /** Closes websockets, stops or detaches kernels (LATTICE_KERNELS_ON_EXIT), closes the server. */
  close(): Promise<void>;
}

/** The URL without its query: `?token=` must never reach a log line. */
function redactUrl(url: string): string {
  return url.split('?')[0];
}

/**
 * Builds the gateway from its dependencies (no listening, no signals: that is main.ts).
 * Reattaches to kernels an earlier gateway process left running before it returns.
 */
export async function buildApp(deps: TGatewayDeps): Promise<TGatewayApp> {
  const { config, db } = deps;
  const logger = deps.logger ?? pino({ level: config.logLevel, base: { service: 'gateway' } });
  // Chosen (and logged) once: cgroup v2, v1 or rlimits, see provisioners/local-limits/.
  let limits: TLocalLimits | null = null;
  if (!deps.provisioners) limits = await detectLocalLimits({ mode: config.kernelLimits, parent: config.cgroupParent, logger });
  const registry = new ProvisionerRegistry(
    deps.provisioners ?? [localProvisionerFactory({ python: config.python, dataDir: config.dataDir, baseEnv: config.kernelBaseEnv }, limits ?? undefined)],
  );
  const kernels = new KernelManager({
    db,
    registry,
    logger,
    startTimeoutMs: config.kernelStartTimeoutMs,
    shutdownWaitMs: config.kernelShutdownWaitMs,
    activityWriteIntervalMs: config.activityWriteIntervalMs,
    pollIntervalMs: config.kernelPollIntervalMs,
    sampleIntervalMs: config.kernelSampleIntervalMs,
    cullIntervalMs: config.cullIntervalMs,
    budgetCheckIntervalMs: config.budgetCheckIntervalMs,
    kernelsOnExit: config.kernelsOnExit,
  });

  const fastify = Fastify({
    loggerInstance: logger.child(
      {},
      { serializers: { req: (req: { method: string; url: string; id: string }) => ({ method: req.method, url: redactUrl(req.url), id: req.id }) } },
    ) as FastifyBaseLogger,
    bodyLimit: 1024 * 1024,
  });
  registerJsonBodies(fastify);
  registerErrorHandling(fastify);
  registerCors(fastify, config.webOrigins);
  registerApiRoutes(fastify);
  await fastify.register(async (scope) => {
    requireCaller(scope, db);
    registerKernelspecRoutes(scope, db, registry);
    registerKernelRoutes(scope, kernels);
  });

  const channels = attachChannels(fastify.server, {
    db,
    kernels,
    origins: config.webOrigins,
    pingIntervalMs: config.wsPingIntervalMs,
    logger,
  });
  await kernels.reattach();

  return {
    fastify,
    kernels,
    async close() {
      channels.close();
      await kernels.close();
      await limits?.close();
      await fastify.close();
    },
  };
}
