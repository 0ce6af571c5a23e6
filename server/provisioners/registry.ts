import { AppError } from '../../common/errors';
import type { TProvisionerFactory } from './provisioner';

/** Maps a provisioner name (an environment's `provisioner`) to its factory. */
export class ProvisionerRegistry {
  private readonly factories: ReadonlyMap<string, TProvisionerFactory>;

  /** Factories have validated their own config before they get here (at start-up). */
  constructor(factories: readonly TProvisionerFactory[]) {
    this.factories = new Map(factories.map((f) => [f.name, f]));
  }

  get(name: string): TProvisionerFactory {
    const factory = this.factories.get(name);
    if (!factory) {
      throw new AppError('KERNEL_UNAVAILABLE', `This gateway has no "${name}" provisioner enabled; ask an administrator.`);
    }
    return factory;
  }

  has(name: string): boolean {
    return this.factories.has(name);
  }
}
