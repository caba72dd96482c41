import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ALL_RULES } from '../src/detectors/index.js';

describe('rule metadata', () => {
  it('gives every rule a unique id and a doc that names it', () => {
    const ids = ALL_RULES.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const rule of ALL_RULES) {
      expect(existsSync(rule.docs), rule.docs).toBe(true);
      expect(readFileSync(rule.docs, 'utf8')).toContain(`# ${rule.id}`);
    }
  });
});

describe('the README', () => {
  it('lists every rule', () => {
    const readme = readFileSync('README.md', 'utf8');
    const missing = ALL_RULES.filter((rule) => !readme.includes(`\`${rule.id}\``)).map((rule) => rule.id);
    expect(missing).toEqual([]);
  });
});
