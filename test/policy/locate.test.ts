import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadPolicy } from '../../src/app/policy/index.js';
import { policyPresent } from '../../src/app/policy/locate.js';

/** A config folder holding `entries` (name -> 'file' | 'folder' | 'dangling link'). */
function configDir(entries: Record<string, 'file' | 'folder' | 'dangling link'>): string {
  const dir = mkdtempSync(join(tmpdir(), 'mg-policy-locate-'));
  for (const [name, kind] of Object.entries(entries)) {
    const path = join(dir, name);
    if (kind === 'file') writeFileSync(path, 'version: 1\n');
    else if (kind === 'folder') mkdirSync(path);
    else symlinkSync(join(dir, 'nowhere'), path);
  }
  return dir;
}

/*
 * policyPresent lets the CLI skip loading the YAML parser and the schema when there is no
 * policy (issue 16, start-up). It must never say "none" where loadPolicy would read a policy or
 * refuse one: anything under a policy name counts, even what loadPolicy then finds to be none.
 */
describe('policyPresent', () => {
  const valid = [
    { name: '--policy FILE, even a missing one', options: { file: '/nonexistent/policy.yaml', env: {}, configDir: configDir({}) } },
    { name: 'MODELGATE_POLICY', options: { env: { MODELGATE_POLICY: '/nonexistent/p.yaml' }, configDir: configDir({}) } },
    { name: 'policy.yaml in the config folder', options: { env: {}, configDir: configDir({ 'policy.yaml': 'file' }) } },
    { name: 'policy.yml in the config folder', options: { env: {}, configDir: configDir({ 'policy.yml': 'file' }) } },
    { name: 'a folder named policy.yaml', options: { env: {}, configDir: configDir({ 'policy.yaml': 'folder' }) } },
    // Where loadPolicy then finds none: a needless load of the parser, never a missed policy.
    { name: 'a dangling link named policy.yml', options: { env: {}, configDir: configDir({ 'policy.yml': 'dangling link' }) } },
  ];
  it.each(valid)('is true for $name', ({ options }) => {
    expect(policyPresent(options)).toBe(true);
  });

  const invalid = [
    { name: 'an empty config folder', options: { env: {}, configDir: configDir({}) } },
    { name: 'a missing config folder', options: { env: {}, configDir: '/nonexistent/modelgate' } },
    { name: 'an empty MODELGATE_POLICY', options: { env: { MODELGATE_POLICY: '' }, configDir: configDir({ 'other.yaml': 'file' }) } },
  ];
  it.each(invalid)('is false for $name, where loadPolicy finds nothing', ({ options }) => {
    expect(policyPresent(options)).toBe(false);
    expect(loadPolicy(options)).toBeUndefined();
  });
});
