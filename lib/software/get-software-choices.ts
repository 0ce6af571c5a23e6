import { localPythons } from '@/common/local-pythons';
import { defaultDataSciencePackages } from './default-data-science-packages';

/** What the template form's software section offers, read on the server (pages pass it down). */
export interface TSoftwareChoices {
  /** Python versions a local build can use, newest first. */
  pythons: string[];
  /** The platform default environment's pinned packages, one requirement per line. */
  defaultPackages: string[];
}

export function getSoftwareChoices(): TSoftwareChoices {
  return { pythons: localPythons().map((p) => p.version), defaultPackages: defaultDataSciencePackages() };
}
