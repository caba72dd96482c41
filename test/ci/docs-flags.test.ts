import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, flagsIn, scanFlags } from './ci-helpers.js';

// docs/ci.md and the README's CI section show `modelgate scan` command lines; each flag they
// use must be one the built CLI's `scan --help` lists (a renamed flag breaks every copied recipe).
describe('the CI recipes', () => {
  it('use only flags that `modelgate scan --help` lists', () => {
    const known = scanFlags();
    for (const doc of ['docs/ci.md', 'README.md']) {
      const lines = readFileSync(join(ROOT, doc), 'utf8')
        .split('\n')
        .filter((line) => /modelgate scan\b/.test(line));
      const unknown = lines.flatMap((line) => flagsIn(line.slice(line.indexOf('modelgate scan')))).filter((flag) => !known.has(flag));
      expect({ doc, unknown }).toEqual({ doc, unknown: [] });
    }
    expect(known.has('--exit-zero')).toBe(true);
  });
});
