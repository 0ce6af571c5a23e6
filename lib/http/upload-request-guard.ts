import { AppError } from '@/common/errors';
import { getConfig } from '@/lib/config';
import { crossSiteRefusal } from './api-request-guard';

/**
 * The cross-site check middleware.ts makes on every state-changing API request, for the one
 * route middleware skips (the streamed file upload, whose body middleware would buffer).
 */
export function refuseCrossSiteUpload(req: Request): void {
  const url = new URL(req.url);
  const own = `${url.protocol}//${req.headers.get('host') ?? url.host}`;
  const configured = getConfig().LATTICE_WEB_ORIGINS.split(',').map((o) => o.trim()).filter(Boolean);
  const refusal = crossSiteRefusal({ headers: req.headers, ownOrigins: [own, ...configured] });
  if (refusal) throw new AppError('FORBIDDEN', refusal.message);
}
