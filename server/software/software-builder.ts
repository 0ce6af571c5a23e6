import type { TSoftwareBase } from '../../common/software';

/** One build a gateway has claimed: what to build (its row in `software_builds`). */
export interface TBuildJob {
  id: string;
  base: TSoftwareBase;
  /** The template's normalized package list (one requirement per line). */
  requirements: string;
}

/** How a builder reports while it works; the build worker writes both to the build's row. */
export interface TBuildHooks {
  /** What it is doing now, for people: "Resolving 3 packages", "Installing 14 packages". */
  step(text: string): void;
  /** The installer's output as it comes (the row keeps its last 64 KiB). */
  log(chunk: string): void;
  /** Aborted when the gateway stops: the builder stops its processes and throws. */
  signal: AbortSignal;
}

export interface TBuildResult {
  /** The resolved lock (requirements format with hashes) and the exact Python it was resolved for. */
  lock: string;
  pythonFullVersion: string;
  /** `softwareLockHash(pythonFullVersion, lock)`: where the environment's files are. */
  lockHash: string;
  sizeBytes: number;
}

/**
 * A failure the template's owner can act on: `message` is the installer's own words (e.g.
 * uv's "Because … was not found in the package registry …"), shown in the UI and refused launches.
 */
export class BuildFailure extends Error {}

/**
 * Builds software environments for one kind of base: `python:` bases on this machine
 * (local-software-builder.ts), `image:` bases on Kubernetes. An environment, once built, is
 * immutable and shared read-only; `remove` is garbage collection's (no template or kernel uses it).
 */
export interface TSoftwareBuilder {
  handles(base: TSoftwareBase): boolean;
  build(job: TBuildJob, hooks: TBuildHooks): Promise<TBuildResult>;
  remove(lockHash: string, base: TSoftwareBase): Promise<void>;
}
