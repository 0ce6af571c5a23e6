import { readKernelPins } from '../../common/kernel-requirements';

/**
 * What every built environment gets beside its template's packages, at the default stack's pins:
 * the kernel itself, the widget protocol the notebook speaks, and pip for `%pip install` into
 * the user's own layer. Resolved together with the template's list, so a conflicting pin in it
 * fails the build with the resolver's message instead of breaking the kernel.
 */
const NEEDS = ['ipykernel', 'ipywidgets', 'pip'] as const;

export function kernelNeeds(): string[] {
  const pins = readKernelPins();
  return NEEDS.map((name) => {
    const version = pins.get(name);
    if (!version) throw new Error(`python/kernel-requirements.txt has no pin for ${name}`);
    return `${name}==${version}`;
  });
}
