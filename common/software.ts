import { z } from 'zod';

/**
 * The software section of an environment template (issue 15 §3) and the identity of what it
 * builds. A template with no Python version and no packages runs the platform's default
 * environment (python/kernel-requirements.txt); any other definition is built once into an
 * immutable environment shared by every template that resolves to the same lock.
 */

/** A Python on the gateway's machine, as `3.11`. */
export const PYTHON_VERSION = /^3\.\d{1,2}$/;
const MAX_PACKAGE_LINES = 200;
const MAX_PACKAGES_CHARS = 20_000;

/** A requirement line: name, optional extras, optional version specifiers, optional markers. */
const REQUIREMENT =
  /^[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?(?:\s*\[\s*[A-Za-z0-9._-]+(?:\s*,\s*[A-Za-z0-9._-]+)*\s*\])?(?:\s*(?:===|==|!=|<=|>=|~=|<|>)\s*[A-Za-z0-9.*+!_-]+(?:\s*,\s*(?:===|==|!=|<=|>=|~=|<|>)\s*[A-Za-z0-9.*+!_-]+)*)?(?:\s*;\s*[^;]+)?$/;

/** Why `line` (trimmed, not a comment) is not allowed, or null. */
export function requirementLineProblem(line: string): string | null {
  if (line.startsWith('-')) return `“${line}”: installer options (-r, -e, --index-url …) are not allowed; list one package per line, e.g. requests==2.31.0`;
  if (/\s@\s|^[^\s;]+@|:\/\//.test(line)) return `“${line}”: direct references (URLs, name @ url) are not allowed; name a package from the index, e.g. requests==2.31.0`;
  if (!REQUIREMENT.test(line)) return `“${line}” is not a package requirement; write a name with an optional version, e.g. requests==2.31.0 or pandas>=2,<3`;
  return null;
}

/** The package list as stored and hashed: trimmed lines without comments or blanks, in order. */
export function normalizePackages(text: string): string {
  return text
    .split(/\r?\n/)
    .map((line) => line.replace(/(^|\s)#.*$/, '').trim())
    .filter(Boolean)
    .join('\n');
}

export const ZSoftwareInput = z
  .object({
    /** null = the platform's default environment when there are no packages, else the newest Python here. */
    pythonVersion: z
      .string()
      .trim()
      .regex(PYTHON_VERSION, 'Choose a Python version such as 3.11')
      .nullish()
      .transform((v) => v ?? null),
    packages: z.string().max(MAX_PACKAGES_CHARS, `Use at most ${MAX_PACKAGES_CHARS} characters`).default(''),
  })
  .superRefine((s, ctx) => {
    const lines = normalizePackages(s.packages).split('\n').filter(Boolean);
    if (lines.length > MAX_PACKAGE_LINES) ctx.addIssue({ code: 'custom', path: ['packages'], message: `List at most ${MAX_PACKAGE_LINES} packages` });
    for (const line of lines) {
      const problem = requirementLineProblem(line);
      if (problem) {
        ctx.addIssue({ code: 'custom', path: ['packages'], message: problem });
        break;
      }
    }
  })
  .transform((s) => ({ pythonVersion: s.pythonVersion, packages: normalizePackages(s.packages) }));
export type TSoftwareInput = z.input<typeof ZSoftwareInput>;
export type TSoftware = z.output<typeof ZSoftwareInput>;

/** Whether a template runs the platform's default environment (nothing to build). */
export function usesDefaultSoftware(s: TSoftware): boolean {
  return s.pythonVersion === null && s.packages === '';
}

/**
 * What a build starts from: a Python on the gateway's machine (local kernels) or a kernel
 * image (Kubernetes; `image:` alone = the gateway's default kernel image).
 */
export type TSoftwareBase = `python:${string}` | `image:${string}`;

export const SOFTWARE_BUILD_STATES = ['queued', 'building', 'ready', 'failed'] as const;
export type TSoftwareBuildState = (typeof SOFTWARE_BUILD_STATES)[number];

/** A build as pages and the API show it (never its lock's hashes in lists; the log on request). */
export interface TSoftwareBuildInfo {
  id: string;
  state: TSoftwareBuildState;
  step: string | null;
  error: string | null;
  base: string;
  packages: string;
  sizeBytes: number | null;
  createdAt: string;
  finishedAt: string | null;
}

/**
 * What a kernel's launch snapshot records of its software: the build it runs (kept by the kernel
 * across template edits, and counted as in use by garbage collection).
 */
export const ZKernelSoftware = z.object({
  buildId: z.string(),
  lockHash: z.string(),
  base: z.string(),
});
export type TKernelSoftware = z.infer<typeof ZKernelSoftware>;

/** Why a kernel cannot start on a template's software, or null when it can. */
export function softwareNotReadyMessage(environmentName: string, build: { state: TSoftwareBuildState; step: string | null; error: string | null }): string | null {
  switch (build.state) {
    case 'ready':
      return null;
    case 'queued':
      return `The software of environment “${environmentName}” is waiting to be built; kernels can start on it once it is ready.`;
    case 'building':
      return `The software of environment “${environmentName}” is being built${build.step ? ` (${build.step})` : ''}; kernels can start on it once it is ready.`;
    case 'failed':
      return `The software of environment “${environmentName}” failed to build: ${build.error ?? 'see its build log'}. Fix its package list to build it again.`;
  }
}
