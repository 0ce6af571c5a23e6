import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { AppError, fromZodIssues } from '../../common/errors';
import type { TDb } from '../../db/client';
import { findKernelspec, listKernelspecs } from '../kernels/kernelspecs';
import type { TProvisionerRegistry } from '../provisioners/registry';
import { callerOf } from './caller-hook';

const ZSpecParams = z.object({ name: z.string().min(1).max(200) });
/** `project`: id or slug, as `KERNEL_PROJECT` takes it. */
const ZListQuery = z.looseObject({ project: z.string().min(1).max(200).optional() });

/** `GET /api/kernelspecs[/name]`: environments as kernelspecs (DESIGN 4.1). */
export function registerKernelspecRoutes(app: FastifyInstance, db: TDb, registry: TProvisionerRegistry): void {
  const interruptMode = (row: { provisioner: string }) => registry.get(row.provisioner)?.interruptMode ?? 'message';

  app.get('/api/kernelspecs', async (request) => {
    const query = ZListQuery.safeParse(request.query ?? {});
    if (!query.success) throw fromZodIssues(query.error.issues, 'query');
    return listKernelspecs(db, callerOf(request), query.data.project, interruptMode);
  });

  app.get('/api/kernelspecs/:name', async (request) => findKernelspec(db, callerOf(request), ZSpecParams.parse(request.params).name, interruptMode));

  // Kernelspec resources (logos): environments have none.
  app.get('/kernelspecs/:name/*', async () => {
    throw new AppError('NOT_FOUND', 'This kernelspec has no resources.');
  });
}
