import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './ci-helpers.js';

describe('LICENSE', () => {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { license: string };
  const license = readFileSync(join(ROOT, 'LICENSE'), 'utf8');

  it('is the license package.json names: the full Apache License 2.0', () => {
    expect(pkg.license).toBe('Apache-2.0');
    expect(license).toMatch(/^\s*Apache License\s+Version 2\.0, January 2004\s+http:\/\/www\.apache\.org\/licenses\//);
    for (let section = 1; section <= 9; section++) expect(license).toMatch(new RegExp(`\\n\\s+${section}\\. [A-Z]`));
    expect(license).toContain('END OF TERMS AND CONDITIONS');
    expect(license).toContain('APPENDIX: How to apply the Apache License to your work.');
    expect(license.split('\n').length).toBeGreaterThan(195);
  });
});
