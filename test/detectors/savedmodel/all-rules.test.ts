import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SAVEDMODEL_RULES } from '../../../src/detectors/savedmodel/index.js';

describe('SAVEDMODEL_RULES', () => {
  it('is sorted by id, each id onnx/<name> with its doc page', () => {
    const ids = SAVEDMODEL_RULES.map((r) => r.meta.id);
    expect(ids).toEqual([...ids].sort());
    for (const { meta } of SAVEDMODEL_RULES) {
      expect(meta.id).toMatch(/^savedmodel\/[a-z-]+$/);
      expect(meta.docs).toBe(`docs/rules/${meta.id.replace('/', '-')}.md`);
      expect(existsSync(meta.docs), meta.docs).toBe(true);
      expect(readFileSync(meta.docs, 'utf8')).toContain(`# ${meta.id}\n`);
    }
  });

  it('cites MITRE ATLAS and OWASP LLM03 in every rule, and a CWE in every finding rule', () => {
    for (const { meta } of SAVEDMODEL_RULES) {
      expect(
        meta.references.some((r) => r.startsWith('MITRE ATLAS AML.T')),
        meta.id,
      ).toBe(true);
      expect(meta.references, meta.id).toContain('OWASP LLM03:2025');
      if (meta.defaultSeverity !== 'info')
        expect(
          meta.references.some((r) => r.startsWith('CWE-')),
          meta.id,
        ).toBe(true);
    }
  });
});
