import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { scanBytes } from './helpers.js';

/** SavedModels written by TensorFlow itself: test/fixtures/savedmodel/generate.py. */
const fixture = (name: string): Buffer => readFileSync(new URL(`../../fixtures/savedmodel/${name}`, import.meta.url));

describe('SavedModels written by TensorFlow', () => {
  it('keeps a TF2 module clean, with its checkpoint ops low and its fingerprint read', () => {
    const result = scanBytes(fixture('tf2-clean/saved_model.pb'), { 'fingerprint.pb': fixture('tf2-clean/fingerprint.pb') });
    expect(result.verdict).toBe('clean');
    expect(result.findings.map((f) => [f.ruleId, f.severity, f.evidence])).toEqual([
      ['savedmodel/dangerous-op', 'low', 'RestoreV2()'],
      ['savedmodel/dangerous-op', 'low', 'SaveV2()'],
      ['savedmodel/dangerous-op', 'low', 'MergeV2Checkpoints()'],
      ['savedmodel/model-info', 'info', '2.21.0'],
    ]);
    const info = result.findings[3]!.message;
    expect(info).toContain('signatures __saved_model_init_op, serving_default');
    expect(info).toContain('4 functions');
    // Values as TensorFlow reads them (fingerprint_pb2).
    expect(info).toContain('fingerprint.pb: checksum 54207541bd2cdfb7');
    expect(info).toContain('checkpoint 8bb125a638135ba0');
  });

  it('keeps a TF1 Saver graph clean: its save path is the relative constant "model"', () => {
    const result = scanBytes(fixture('tf1-saver/saved_model.pb'));
    expect(result.verdict).toBe('clean');
    expect(result.findings.filter((f) => f.ruleId === 'savedmodel/dangerous-op').map((f) => f.severity)).toEqual(['low', 'low', 'low']);
  });

  it('finds ReadFile inside a traced function', () => {
    const result = scanBytes(fixture('tf2-readfile/saved_model.pb'));
    expect(result.verdict).toBe('malicious');
    const read = result.findings.find((f) => f.evidence?.startsWith('ReadFile'));
    expect(read).toMatchObject({ severity: 'high', evidence: 'ReadFile("/etc/hostname")' });
    expect(read?.message).toMatch(/in function "__inference___call___\d+"/);
  });
});
