import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BufferSource } from '../../../src/core/byte-source.js';
import { type Finding, verdictOf } from '../../../src/core/finding.js';
import { withLimits } from '../../../src/core/limits.js';
import { ScanContext } from '../../../src/engine/index.js';
import { scanSafetensors } from '../../../src/engine/handlers/safetensors.js';
import { buildSafetensors } from '../../../src/formats/safetensors/builder.js';
import { osSystemPickle } from '../../helpers/pickles.js';

function scan(bytes: Buffer) {
  const findings: Finding[] = [];
  const format = scanSafetensors(new BufferSource(bytes), new ScanContext('m.safetensors', withLimits(), findings, { decompressed: 0 }));
  return { format, findings, verdict: verdictOf(findings) };
}

describe('scanSafetensors', () => {
  it('a file from the reference writer is clean with one summary', () => {
    const r = scan(readFileSync('test/fixtures/safetensors/tiny.safetensors'));
    expect(r.format).toBe('safetensors');
    expect(r.verdict).toBe('clean');
    expect(r.findings.map((f) => [f.ruleId, f.severity])).toEqual([['safetensors/summary', 'info']]);
    expect(r.findings[0]?.message).toContain('5 tensors');
  });

  it('scans trailing bytes as a nested file (a pickle polyglot)', () => {
    const bytes = buildSafetensors({ tensors: [{ name: 'w', dtype: 'F32', shape: [2] }], trailing: osSystemPickle() });
    const r = scan(bytes);
    expect(r.verdict).toBe('malicious');
    const trailing = r.findings.find((f) => f.ruleId === 'safetensors/trailing-data');
    expect(trailing?.severity).toBe('medium');
    const nested = r.findings.find((f) => f.ruleId === 'pickle/dangerous-callable');
    expect(nested?.target).toBe(`m.safetensors!/<trailing@${trailing?.location?.offset}>`);
  });

  it('scans a gap between tensors too', () => {
    const bytes = buildSafetensors({
      tensors: [
        { name: 'a', dtype: 'U8', shape: [1], offsets: [0, 1] },
        { name: 'b', dtype: 'U8', shape: [1], offsets: [1 + osSystemPickle().length, 2 + osSystemPickle().length] },
      ],
      dataBytes: 0,
    });
    const start = bytes.length;
    const full = Buffer.concat([bytes, Buffer.from([0]), osSystemPickle(), Buffer.from([0])]);
    const r = scan(full);
    expect(r.findings.some((f) => f.ruleId === 'pickle/dangerous-callable' && f.target === `m.safetensors!/<gap@${start + 1}>`)).toBe(true);
  });

  it('plain trailing junk is medium only', () => {
    const r = scan(buildSafetensors({ tensors: [{ name: 'w', dtype: 'U8', shape: [2] }], trailing: Buffer.from('just some text') }));
    expect(r.verdict).toBe('suspicious');
  });

  it('a header it cannot read is an error, never clean', () => {
    const r = scan(buildSafetensors({ rawHeader: '{"a":' }));
    expect(r.verdict).toBe('error');
    expect(r.findings[0]).toMatchObject({ ruleId: 'safetensors/invalid-header', fatal: true, code: 'MALFORMED' });
  });
});
