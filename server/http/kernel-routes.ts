import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { AppError, fromZodIssues } from '../../common/errors';
import { ZStartKernelBody, type TKernelModel } from '../../common/kernel-model';
import { isTerminal } from '../../common/kernel-states';
import { kernelNotFound } from '../auth/access';
import type { KernelManager } from '../kernels/kernel-manager';
import { callerOf } from './caller-hook';

const ZKernelParams = z.object({ id: z.string() });
const ZListQuery = z.looseObject({ project: z.uuid().optional() });
/** Where a stop was asked from (the kernel's `detail` says so); absent = a Jupyter client. */
const ZStopQuery = z.looseObject({ from: z.enum(['dashboard', 'notebook']).optional() });
const UUID = z.uuid();

/** Unknown-format ids are simply kernels that do not exist (404), as in jupyter_server. */
function kernelId(request: FastifyRequest): string {
  const { id } = ZKernelParams.parse(request.params);
  if (!UUID.safeParse(id).success) throw kernelNotFound(id);
  return id;
}

function parse<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const parsed = schema.safeParse(value ?? {});
  if (!parsed.success) throw fromZodIssues(parsed.error.issues, what);
  return parsed.data;
}

/**
 * A kernel that has ended is gone for Jupyter clients, which decide "gone" by a 404 (as
 * jupyter_server forgets a kernel once it is shut down, culled or dead); its record stays
 * on `GET /api/lattice/kernels/{id}` and in the events.
 */
function runningOnly(model: TKernelModel): TKernelModel {
  if (!isTerminal(model.lattice.state)) return model;
  const why = model.lattice.reason ? `${model.lattice.state}: ${model.lattice.reason}` : model.lattice.state;
  throw new AppError('NOT_FOUND', `Kernel ${model.id} is gone (${why}); GET /api/lattice/kernels/${model.id} tells why it ended.`);
}

/** The kernel REST API (DESIGN 4.1); every handler is parse → one manager call → reply. */
export function registerKernelRoutes(app: FastifyInstance, kernels: KernelManager): void {
  app.get('/api/kernels', async (request) => {
    const query = parse(ZListQuery, request.query, 'query');
    return kernels.list(callerOf(request), query.project);
  });

  app.post('/api/kernels', async (request, reply) => {
    const body = parse(ZStartKernelBody, request.body, 'kernel request');
    const model = await kernels.start(callerOf(request), body);
    return reply.status(201).header('Location', `/api/kernels/${model.id}`).send(model);
  });

  app.get('/api/kernels/:id', async (request) => runningOnly(await kernels.get(callerOf(request), kernelId(request))));

  // Lattice's own view of one kernel, ended ones included: why it died (the notebook's explanation).
  app.get('/api/lattice/kernels/:id', async (request) => kernels.get(callerOf(request), kernelId(request)));

  app.delete('/api/kernels/:id', async (request, reply) => {
    const { from } = parse(ZStopQuery, request.query, 'query');
    await kernels.shutdown(callerOf(request), kernelId(request), from ?? 'jupyter-client');
    return reply.status(204).send();
  });

  // "Keep running" on a cull warning: the kernel's idle and no-client clocks start again.
  app.post('/api/kernels/:id/activity', async (request, reply) => {
    await kernels.keepRunning(callerOf(request), kernelId(request));
    return reply.status(204).send();
  });

  app.post('/api/kernels/:id/interrupt', async (request, reply) => {
    await kernels.interrupt(callerOf(request), kernelId(request));
    return reply.status(204).send();
  });

  app.post('/api/kernels/:id/restart', async (request) => kernels.restart(callerOf(request), kernelId(request)));
}
