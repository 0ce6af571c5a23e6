'use client';

import { Button } from '@/components/ui/button';
import { Field, Textarea } from '@/components/ui/input';
import { Select } from '@/components/ui/select';
import type { TSoftwareChoices } from '@/lib/software/get-software-choices';
import { DEFAULT_SOFTWARE_CONTENTS } from './software-build-labels';
import { addRequirements } from './software-packages';

/**
 * The template's software: a Python version (local kernels; on Kubernetes the base is the
 * kernel image) and a package list in requirements format. Both empty = the platform's
 * default environment, nothing to build. Errors arrive under `software.pythonVersion` and
 * `software.packages`, as the server names them.
 */
export function SoftwareFields({ provisioner, pythonVersion, packages, errors, choices, onPythonVersion, onPackages }: {
  provisioner: string;
  pythonVersion: string;
  packages: string;
  errors: Record<string, string>;
  choices: TSoftwareChoices;
  onPythonVersion: (version: string) => void;
  onPackages: (packages: string) => void;
}) {
  const newest = choices.pythons[0];
  // A stored version this machine no longer has stays visible (the server explains the refusal).
  const versions = pythonVersion && !choices.pythons.includes(pythonVersion) ? [...choices.pythons, pythonVersion] : choices.pythons;
  const versionError = errors['software.pythonVersion'];
  const packagesError = errors['software.packages'] ?? errors.software;
  return (
    <fieldset className="rounded-md border border-slate-200 p-4">
      <legend className="px-1 text-xs font-semibold uppercase tracking-wide text-slate-500">Software</legend>
      <p className="mb-3 text-xs text-slate-600" data-testid="software-default-note">
        Leave the packages empty{provisioner === 'kubernetes' ? '' : ' and the version at its default'} to run the platform’s default environment ({DEFAULT_SOFTWARE_CONTENTS}). Any
        other definition is built once in the background; kernels start on it when its build is ready.
      </p>
      <div className="grid grid-cols-1 gap-4 md:grid-cols-3">
        {provisioner === 'kubernetes' ? (
          <p className="text-xs text-slate-600" data-testid="software-image-base">
            Base: the kernel’s container image (the gateway’s default when none is set), so no Python version is chosen here. The packages are installed on top of it.
          </p>
        ) : (
          <Field label="Python version" htmlFor="env-pythonVersion" error={versionError} hint="The Pythons installed on the gateway’s machine">
            <Select id="env-pythonVersion" value={pythonVersion} onChange={(e) => onPythonVersion(e.target.value)} aria-invalid={Boolean(versionError)}>
              <option value="">{newest ? `Default (Python ${newest}, the newest here)` : 'Default'}</option>
              {versions.map((v) => (
                <option key={v} value={v}>
                  Python {v}
                </option>
              ))}
            </Select>
          </Field>
        )}
        <div className="md:col-span-2">
          <Field
            label="Packages"
            htmlFor="env-packages"
            error={packagesError}
            hint="One requirement per line, pins allowed: requests==2.31.0, pandas>=2,<3. Packages from the index only (no -r, -e or URLs)."
          >
            <Textarea
              id="env-packages"
              rows={5}
              className="font-mono"
              spellCheck={false}
              value={packages}
              onChange={(e) => onPackages(e.target.value)}
              aria-invalid={Boolean(packagesError)}
              aria-describedby={packagesError ? 'env-packages-error' : undefined}
              placeholder="requests==2.31.0"
            />
          </Field>
          {choices.defaultPackages.length > 0 && (
            <Button
              size="sm"
              variant="secondary"
              className="mt-2"
              onClick={() => onPackages(addRequirements(packages, choices.defaultPackages))}
              title={choices.defaultPackages.join('\n')}
            >
              Add the default data-science packages
            </Button>
          )}
        </div>
      </div>
    </fieldset>
  );
}
