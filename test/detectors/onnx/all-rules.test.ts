import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ONNX_RULES } from '../../../src/detectors/onnx/index.js';

describe('ONNX_RULES', () => {
  it('is sorted by id, each id onnx/<name> with its doc page', () => {
    const ids = ONNX_RULES.map((r) => r.meta.id);
    expect(ids).toEqual([...ids].sort());
    for (const { meta } of ONNX_RULES) {
      expect(meta.id).toMatch(/^onnx\/[a-z-]+$/);
      expect(meta.docs).toBe(`docs/rules/${meta.id.replace('/', '-')}.md`);
      expect(existsSync(meta.docs), meta.docs).toBe(true);
      expect(readFileSync(meta.docs, 'utf8')).toContain(`# ${meta.id}\n`);
    }
  });

  it('cites MITRE ATLAS and OWASP LLM03 in every rule, and a CWE in every finding rule', () => {
    for (const { meta } of ONNX_RULES) {
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
