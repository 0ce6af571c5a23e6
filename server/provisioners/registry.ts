import { ZProvisionerName, type TProvisionerName } from '../../common/environment';
import { AppError } from '../../common/errors';
import type { TProvisionerFactory } from './provisioner';

/**
 * Provisioner name (an environment's `provisioner`) → its factory. Built once at start-up
 * (app.ts) from factories that have validated their own config, so an unknown or misconfigured
 * provisioner stops the gateway there instead of failing a user's launch.
 */
export type TProvisionerRegistry = ReadonlyMap<string, TProvisionerFactory>;

/** The factory a launch needs; a name this gateway has not enabled is the administrator's to fix. */
export function provisionerFactory(registry: TProvisionerRegistry, name: string): TProvisionerFactory {
  const factory = registry.get(name);
  if (!factory) {
    throw new AppError('KERNEL_UNAVAILABLE', `This gateway has no "${name}" provisioner enabled; ask an administrator.`);
  }
  return factory;
}

/**
 * The names LATTICE_PROVISIONERS enables, checked before any provisioner starts: a name the
 * gateway does not know (a typo) stops it at start-up, with the names it does know.
 */
export function enabledProvisioners(names: readonly string[]): TProvisionerName[] {
  const unknown = names.filter((name) => !ZProvisionerName.safeParse(name).success);
  if (unknown.length > 0) {
    const listed = unknown.map((name) => `"${name}"`).join(', ');
    throw new Error(`Unknown provisioner ${listed} in LATTICE_PROVISIONERS; known: ${ZProvisionerName.options.join(', ')}.`);
  }
  return names.map((name) => ZProvisionerName.parse(name));
}
