/**
 * Hugging Face licence identifiers (the Hub's `license:` values, lowercase) that are SPDX
 * identifiers, spelled as SPDX spells them. Others (llama3, openrail, other…) become a named
 * licence, never a guessed SPDX id.
 */
const SPDX: Record<string, string> = {
  'apache-2.0': 'Apache-2.0',
  mit: 'MIT',
  'bsd-2-clause': 'BSD-2-Clause',
  'bsd-3-clause': 'BSD-3-Clause',
  'bsd-3-clause-clear': 'BSD-3-Clause-Clear',
  'cc0-1.0': 'CC0-1.0',
  'cc-by-2.0': 'CC-BY-2.0',
  'cc-by-3.0': 'CC-BY-3.0',
  'cc-by-4.0': 'CC-BY-4.0',
  'cc-by-sa-3.0': 'CC-BY-SA-3.0',
  'cc-by-sa-4.0': 'CC-BY-SA-4.0',
  'cc-by-nc-2.0': 'CC-BY-NC-2.0',
  'cc-by-nc-3.0': 'CC-BY-NC-3.0',
  'cc-by-nc-4.0': 'CC-BY-NC-4.0',
  'cc-by-nd-4.0': 'CC-BY-ND-4.0',
  'cc-by-nc-nd-4.0': 'CC-BY-NC-ND-4.0',
  'cc-by-nc-sa-4.0': 'CC-BY-NC-SA-4.0',
  'gpl-2.0': 'GPL-2.0-only',
  'gpl-3.0': 'GPL-3.0-only',
  'lgpl-2.1': 'LGPL-2.1-only',
  'lgpl-3.0': 'LGPL-3.0-only',
  'agpl-3.0': 'AGPL-3.0-only',
  'mpl-2.0': 'MPL-2.0',
  'epl-2.0': 'EPL-2.0',
  'afl-3.0': 'AFL-3.0',
  'artistic-2.0': 'Artistic-2.0',
  'bsl-1.0': 'BSL-1.0',
  'ecl-2.0': 'ECL-2.0',
  'odbl-1.0': 'ODbL-1.0',
  'odc-by-1.0': 'ODC-By-1.0',
  'pddl-1.0': 'PDDL-1.0',
  unlicense: 'Unlicense',
  wtfpl: 'WTFPL',
  'openrail++': 'openrail++',
};

/** A CycloneDX licence choice for a card's `license` (and `license_name` for `other`). */
export function licenseChoice(license: string | undefined, name: string | undefined): Array<Record<string, unknown>> {
  if (!license) return [];
  const id = SPDX[license.toLowerCase()];
  if (id && id !== 'openrail++') return [{ license: { id } }];
  return [{ license: { name: license === 'other' && name ? name : license } }];
}
