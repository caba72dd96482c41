import { describe, expect, it } from 'vitest';
import { BufferSource } from '../../../src/core/byte-source.js';
import { type Finding, verdictOf } from '../../../src/core/finding.js';
import { withLimits } from '../../../src/core/limits.js';
import { ScanContext } from '../../../src/engine/index.js';
import { scanSafetensors } from '../../../src/engine/handlers/safetensors.js';
import { buildSafetensors } from '../../../src/formats/safetensors/builder.js';

function scan(bytes: Buffer) {
  const findings: Finding[] = [];
  scanSafetensors(new BufferSource(bytes), new ScanContext('m.safetensors', withLimits(), findings, { decompressed: 0 }));
  return { findings, verdict: verdictOf(findings), codes: findings.map((f) => f.code).filter(Boolean) };
}
const valid = buildSafetensors({ tensors: [{ name: 'w', dtype: 'F32', shape: [4, 4] }], metadata: { format: 'pt' } });
const withLength = (n: bigint, rest: Buffer) => {
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE(n);
  return Buffer.concat([b, rest]);
};

// Malformed input: nothing may throw, hang, or come out clean.
describe('malformed safetensors', () => {
  it.each([
    ['empty', Buffer.alloc(0), 'TRUNCATED'],
    ['shorter than the length field', Buffer.from([1, 2, 3]), 'TRUNCATED'],
    ['header cut short', valid.subarray(0, 40), 'TRUNCATED'],
    ['length 2^62', withLength(2n ** 62n, Buffer.from('{"a":1}')), 'LIMIT_STRING'],
    ['length 2^64-1', withLength(2n ** 64n - 1n, Buffer.from('{}')), 'LIMIT_STRING'],
    ['length just over the 100 MB limit', withLength(100_000_001n, Buffer.from('{}')), 'LIMIT_STRING'],
    ['zero length', withLength(0n, Buffer.alloc(0)), 'MALFORMED'],
    ['not JSON', buildSafetensors({ rawHeader: '{"a": nope}' }), 'MALFORMED'],
    ['not UTF-8', withLength(4n, Buffer.from([0x7b, 0xff, 0xfe, 0x7d])), 'MALFORMED'],
    ['does not begin with {', buildSafetensors({ rawHeader: ' {}' }), 'MALFORMED'],
    ['deeply nested arrays', buildSafetensors({ rawHeader: '{"t":' + '['.repeat(100_000) + ']'.repeat(100_000) + '}' }), 'LIMIT_DEPTH'],
    ['unknown dtype', buildSafetensors({ tensors: [{ name: 't', dtype: 'F128', shape: [1] }] }), 'MALFORMED'],
    ['shape of strings', buildSafetensors({ rawHeader: '{"t":{"dtype":"U8","shape":["1"],"data_offsets":[0,1]}}', dataBytes: 1 }), 'MALFORMED'],
    [
      'shape that overflows u64',
      buildSafetensors({ tensors: [{ name: 't', dtype: 'U8', shape: [2 ** 40, 2 ** 40], offsets: [0, 1] }], dataBytes: 1 }),
      'MALFORMED',
    ],
    ['metadata of numbers', buildSafetensors({ metadata: { n: 1 } }), 'MALFORMED'],
  ])('%s: a fatal finding with its code', (_name, bytes, code) => {
    const r = scan(bytes);
    expect(r.codes).toContain(code);
    expect(r.verdict).not.toBe('clean');
  });

  it('offsets of 2^62 are high, not a crash', () => {
    const r = scan(buildSafetensors({ tensors: [{ name: 't', dtype: 'U8', shape: [1], offsets: [2n ** 62n, 2n ** 62n + 1n] }] }));
    expect(r.findings.some((f) => f.ruleId === 'safetensors/tensor-offsets' && f.severity === 'high')).toBe(true);
  });

  it('tensor data cut short is out of range', () => {
    const r = scan(valid.subarray(0, valid.length - 3));
    expect(r.verdict).toBe('malicious');
  });

  it('random corruption never throws', () => {
    let seed = 7;
    const rand = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
    for (let i = 0; i < 500; i++) {
      const b = Buffer.from(valid);
      for (let k = 0; k < 1 + Math.floor(rand() * 4); k++) b[Math.floor(rand() * 90)] = Math.floor(rand() * 256);
      expect(() => scan(b)).not.toThrow();
    }
  });
});
