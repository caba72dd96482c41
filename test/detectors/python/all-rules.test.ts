import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PYTHON_RULE_METAS, PYTHON_RULES } from '../../../src/detectors/python/index.js';

describe('python rules', () => {
  it('are sorted by id, unique, and named python/<name>', () => {
    const ids = PYTHON_RULES.map((r) => r.meta.id);
    expect(ids).toEqual([...ids].sort());
    const all = PYTHON_RULE_METAS.map((m) => m.id);
    expect(new Set(all).size).toBe(all.length);
    for (const id of all) expect(id).toMatch(/^python\/[a-z-]+$/);
  });

  it.each(PYTHON_RULE_METAS.map((m) => [m.id, m] as const))('%s has a doc page and compliance references', (id, meta) => {
    expect(meta.docs).toBe(`docs/rules/${id.replace('/', '-')}.md`);
    expect(existsSync(meta.docs)).toBe(true);
    expect(readFileSync(meta.docs, 'utf8')).toContain(`# ${id}`);
    expect(meta.references.some((r) => r.startsWith('MITRE ATLAS AML.T'))).toBe(true);
    expect(meta.references).toContain('OWASP LLM03:2025');
    expect(meta.references.some((r) => /^CWE-\d+$/.test(r))).toBe(true);
  });
});
