import { describe, expect, it } from 'vitest';
import { BufferSource } from '../../../src/core/byte-source.js';
import { type Finding, verdictOf } from '../../../src/core/finding.js';
import { withLimits } from '../../../src/core/limits.js';
import { ScanContext } from '../../../src/engine/index.js';
import { scanGguf } from '../../../src/engine/handlers/gguf.js';
import { buildGguf } from '../../../src/formats/gguf/builder.js';
import { MAX_ARRAY_DEPTH } from '../../../src/formats/gguf/parse.js';

function scan(bytes: Buffer) {
  const findings: Finding[] = [];
  scanGguf(new BufferSource(bytes), new ScanContext('m.gguf', withLimits(), findings, { decompressed: 0 }));
  return { findings, verdict: verdictOf(findings), codes: findings.map((f) => f.code).filter(Boolean) };
}
const str = (value: string) => ({ type: 'string' as const, value });
const valid = buildGguf({
  kvs: [
    { key: 'general.architecture', value: str('llama') },
    { key: 'tokenizer.chat_template', value: str("{{ messages[0]['content'] }}") },
  ],
  tensors: [{ name: 'w', dims: [8] }],
});
const nestedArray = (depth: number): ReturnType<typeof str> | { type: 'array'; elementType: 'array' | 'uint8'; items: never[] } =>
  depth === 0 ? { type: 'array', elementType: 'uint8', items: [] } : ({ type: 'array', elementType: 'array', items: [nestedArray(depth - 1)] } as never);

// Malformed input: nothing may throw, hang, or come out clean.
describe('malformed GGUF', () => {
  it.each([
    ['magic only', Buffer.from('GGUF'), 'TRUNCATED'],
    ['version 0', Buffer.concat([Buffer.from('GGUF'), Buffer.alloc(20)]), 'UNSUPPORTED'],
    ['version 4', buildGguf({ version: 4 }), 'UNSUPPORTED'],
    ['cut in the metadata', valid.subarray(0, 60), 'TRUNCATED'],
    ['cut in the tensor infos', valid.subarray(0, valid.indexOf(Buffer.from('w')) + 2), 'TRUNCATED'],
    ['2^62 metadata entries', buildGguf({ kvCount: 2n ** 62n }), 'LIMIT_ENTRIES'],
    ['2^62 tensors', buildGguf({ tensorCount: 2n ** 62n }), 'LIMIT_ENTRIES'],
    ['more entries than the file holds', buildGguf({ kvCount: 50_000n }), 'TRUNCATED'],
    ['string length 2^62', buildGguf({ kvs: [{ key: 'k', value: { type: 'string', value: 'x', declaredLength: 2n ** 62n } }] }), 'TRUNCATED'],
    ['string length 2^64-1', buildGguf({ kvs: [{ key: 'k', value: { type: 'string', value: 'x', declaredLength: 2n ** 64n - 1n } }] }), 'TRUNCATED'],
    [
      'array length 2^62',
      buildGguf({ kvs: [{ key: 'k', value: { type: 'array', elementType: 'uint32', items: [], declaredLength: 2n ** 62n } }] }),
      'TRUNCATED',
    ],
    [
      'string array length 2^40',
      buildGguf({ kvs: [{ key: 'k', value: { type: 'array', elementType: 'string', items: [], declaredLength: 2n ** 40n } }] }),
      'TRUNCATED',
    ],
    ['arrays nested too deep', buildGguf({ kvs: [{ key: 'k', value: nestedArray(MAX_ARRAY_DEPTH + 2) as never }] }), 'LIMIT_DEPTH'],
    ['unknown value type', Buffer.concat([buildGguf({ kvCount: 1n }), Buffer.from([1, 0, 0, 0, 0, 0, 0, 0, 0x6b, 42, 0, 0, 0, 0, 0, 0, 0])]), 'MALFORMED'],
    ['bool of 7', buildGguf({ kvs: [{ key: 'b', value: { type: 'bool', value: 7 } }] }), 'MALFORMED'],
    ['five dimensions', buildGguf({ tensors: [{ name: 't', dims: [1, 1, 1, 1, 1] }] }), 'MALFORMED'],
    ['2^32-1 dimensions', buildGguf({ tensors: [{ name: 't', dims: [1], declaredDims: 0xffffffff }] }), 'MALFORMED'],
    ['unknown ggml type', buildGguf({ tensors: [{ name: 't', dims: [1], type: 4 }] }), 'MALFORMED'],
  ])('%s: a fatal finding with its code', (_name, bytes, code) => {
    const r = scan(bytes);
    expect(r.codes).toContain(code);
    expect(r.verdict).not.toBe('clean');
  });

  it('dimensions whose product overflows are reported', () => {
    const r = scan(buildGguf({ tensors: [{ name: 't', dims: [2n ** 40n, 2n ** 40n] }], dataBytes: 0 }));
    expect(r.findings.some((f) => f.code === 'MALFORMED' && f.message.includes('overflow'))).toBe(true);
  });

  it('tensor data past the file is high', () => {
    const r = scan(buildGguf({ tensors: [{ name: 't', dims: [2n ** 50n] }], dataBytes: 16 }));
    expect(r.verdict).toBe('malicious');
  });

  it('a template read before the break is still checked', () => {
    const bytes = buildGguf({
      kvs: [
        { key: 'tokenizer.chat_template', value: str('{{ cycler.__init__.__globals__.os.popen("id") }}') },
        { key: 'x', value: str('y') },
      ],
    });
    const r = scan(bytes.subarray(0, bytes.length - 2));
    expect(r.codes).toContain('TRUNCATED');
    expect(r.findings.some((f) => f.ruleId === 'jinja/template-injection' && f.severity === 'critical')).toBe(true);
  });

  it('random corruption never throws', () => {
    let seed = 11;
    const rand = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
    for (let i = 0; i < 500; i++) {
      const b = Buffer.from(valid);
      for (let k = 0; k < 1 + Math.floor(rand() * 4); k++) b[Math.floor(rand() * 120)] = Math.floor(rand() * 256);
      expect(() => scan(b)).not.toThrow();
    }
  });
});
