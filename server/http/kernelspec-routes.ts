import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { AppError } from '../../common/errors';
import type { TDb } from '../../db/client';
import { kernelspecsFor, visibleEnvironments } from '../kernels/kernelspecs';
import { visibleProjectIds } from '../kernels/visibility';
import type { TProvisionerRegistry } from '../provisioners/registry';
import { callerOf } from './caller-hook';

const ZSpecParams = z.object({ name: z.string().min(1).max(200) });

/** `GET /api/kernelspecs[/name]`: one kernelspec per environment the caller can see. */
export function registerKernelspecRoutes(app: FastifyInstance, db: TDb, registry: TProvisionerRegistry): void {
  const interruptMode = (row: { provisioner: string }) => registry.get(row.provisioner)?.interruptMode ?? 'message';
  const load = async (caller: ReturnType<typeof callerOf>) =>
    kernelspecsFor(await visibleEnvironments(db, await visibleProjectIds(db, caller)), interruptMode);

  app.get('/api/kernelspecs', async (request) => load(callerOf(request)));

  app.get('/api/kernelspecs/:name', async (request) => {
    const { name } = ZSpecParams.parse(request.params);
    const spec = (await load(callerOf(request))).kernelspecs[name];
    if (!spec) throw new AppError('NOT_FOUND', `No kernelspec "${name}" is available to you.`);
    return spec;
  });

  // Kernelspec resources (logos): environments have none.
  app.get('/kernelspecs/:name/*', async () => {
    throw new AppError('NOT_FOUND', 'This kernelspec has no resources.');
  });
}
