import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { KERAS_RULES } from '../../../src/detectors/keras/index.js';

describe('KERAS_RULES', () => {
  it('is sorted by id, each id keras/<name> with its doc page', () => {
    const ids = KERAS_RULES.map((r) => r.meta.id);
    expect(ids).toEqual([...ids].sort());
    for (const { meta } of KERAS_RULES) {
      expect(meta.id).toMatch(/^keras\/[a-z-]+$/);
      expect(meta.docs).toBe(`docs/rules/${meta.id.replace('/', '-')}.md`);
      expect(existsSync(meta.docs)).toBe(true);
      const doc = readFileSync(meta.docs, 'utf8');
      expect(doc).toContain(`# ${meta.id}`);
      for (const ref of meta.references) expect(doc).toContain(ref);
    }
  });

  it('carries MITRE ATLAS, OWASP LLM Top 10 2025 and CWE references', () => {
    for (const { meta } of KERAS_RULES) {
      expect(meta.references.some((r) => r.startsWith('MITRE ATLAS AML.T'))).toBe(true);
      expect(meta.references).toContain('OWASP LLM03:2025');
      expect(meta.references.some((r) => /^CWE-\d+$/.test(r))).toBe(true);
    }
  });
});
