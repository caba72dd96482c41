import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BufferSource } from '../../../src/core/byte-source.js';
import { buildGguf } from '../../../src/formats/gguf/builder.js';
import { isGguf, parseGguf } from '../../../src/formats/gguf/parse.js';

const parse = (b: Buffer) => parseGguf(new BufferSource(b));

describe('parseGguf', () => {
  it.each(['tiny.gguf', 'tiny-be.gguf'])('reads %s from the reference writer (test/fixtures/gguf/make.py)', (name) => {
    const bytes = readFileSync(`test/fixtures/gguf/${name}`);
    expect(isGguf(bytes)).toBe(true);
    const f = parse(bytes);
    expect(f.error).toBeUndefined();
    expect(f.issues).toEqual([]);
    expect(f.rangeProblems).toEqual([]);
    expect(f.version).toBe(3);
    expect(f.bigEndian).toBe(name === 'tiny-be.gguf');
    expect(f.kvs.find((kv) => kv.key === 'general.architecture')?.value).toBe('llama');
    expect(f.kvs.find((kv) => kv.key === 'llama.context_length')).toMatchObject({ type: 'uint32', value: 64 });
    expect(f.kvs.find((kv) => kv.key === 'tokenizer.ggml.tokens')?.array).toEqual({ elementType: 'string', length: 6 });
    expect(f.kvs.find((kv) => kv.key === 'tokenizer.chat_template')?.value).toContain('add_generation_prompt');
    expect(f.tensors.map((t) => [t.name, t.typeName, t.dims.join('x'), t.bytes])).toEqual([
      ['token_embd.weight', 'F32', '8x6', 192n],
      ['output_norm.weight', 'F16', '8', 16n],
    ]);
    expect(f.dataStart).toBe(928);
  });

  it('reads v1 (32-bit lengths) and v2', () => {
    for (const version of [1, 2]) {
      const f = parse(buildGguf({ version, kvs: [{ key: 'general.name', value: { type: 'string', value: 'x' } }], tensors: [{ name: 't', dims: [4] }] }));
      expect(f.error).toBeUndefined();
      expect(f.version).toBe(version);
      expect(f.kvs[0]!.value).toBe('x');
      expect(f.tensors[0]!.bytes).toBe(16n);
    }
  });

  it('reads every value type, nested arrays, and 64-bit values exactly', () => {
    const f = parse(
      buildGguf({
        kvs: [
          { key: 'a.u8', value: { type: 'uint8', value: 255 } },
          { key: 'a.i8', value: { type: 'int8', value: -1 } },
          { key: 'a.u16', value: { type: 'uint16', value: 65535 } },
          { key: 'a.i16', value: { type: 'int16', value: -2 } },
          { key: 'a.i32', value: { type: 'int32', value: -3 } },
          { key: 'a.f32', value: { type: 'float32', value: 0.5 } },
          { key: 'a.bool', value: { type: 'bool', value: true } },
          { key: 'a.u64', value: { type: 'uint64', value: 2n ** 63n + 1n } },
          { key: 'a.i64', value: { type: 'int64', value: -(2n ** 62n) } },
          { key: 'a.f64', value: { type: 'float64', value: 1.25 } },
          {
            key: 'a.nested',
            value: { type: 'array', elementType: 'array', items: [{ type: 'array', elementType: 'uint8', items: [{ type: 'uint8', value: 1 }] }] },
          },
        ],
      }),
    );
    expect(f.error).toBeUndefined();
    expect(f.kvs.map((kv) => kv.value)).toEqual([255, -1, 65535, -2, -3, 0.5, true, 2n ** 63n + 1n, -(2n ** 62n), 1.25, undefined]);
    expect(f.kvs[10]!.array).toEqual({ elementType: 'array', length: 1 });
  });

  it('honours general.alignment and checks offsets against it', () => {
    const ok = parse(
      buildGguf({
        alignment: 64,
        kvs: [{ key: 'general.alignment', value: { type: 'uint32', value: 64 } }],
        tensors: [
          { name: 'a', dims: [3] },
          { name: 'b', dims: [3] },
        ],
      }),
    );
    expect(ok.issues).toEqual([]);
    expect(ok.tensors[1]!.offset).toBe(64n);
    expect((ok.dataStart ?? 0) % 64).toBe(0);
    const bad = parse(buildGguf({ tensors: [{ name: 'a', dims: [4], offset: 8 }] }));
    expect(bad.issues[0]).toMatch(/not a multiple of the alignment 32/);
  });

  it('finds spec breaks in a readable header', () => {
    const f = parse(
      buildGguf({
        kvs: [
          { key: 'general.alignment', value: { type: 'uint32', value: 24 } },
          { key: 'x', value: { type: 'uint8', value: 1 } },
          { key: 'x', value: { type: 'uint8', value: 2 } },
        ],
        tensors: [
          { name: 'q', dims: [33], type: 8 },
          { name: 'u', dims: [1], type: 99 },
          { name: 'u', dims: [1], type: 0 },
          { name: 'n'.repeat(70), dims: [1] },
        ],
      }),
    );
    expect(f.error).toBeUndefined();
    expect(f.duplicateKeys).toEqual(['x']);
    expect(f.issues.join('\n')).toMatch(/general.alignment/);
    expect(f.issues.join('\n')).toMatch(/not a multiple of the Q8_0 block size 32/);
    expect(f.issues.join('\n')).toMatch(/unknown ggml type 99/);
    expect(f.issues.join('\n')).toMatch(/name appears twice/);
    expect(f.issues.join('\n')).toMatch(/longer than ggml's 63/);
  });

  it('finds tensor data past the end and overlapping tensors', () => {
    const f = parse(
      buildGguf({
        tensors: [
          { name: 'a', dims: [16] },
          { name: 'b', dims: [16], offset: 32 },
          { name: 'c', dims: [1024], offset: 128 },
        ],
        dataBytes: 128,
      }),
    );
    expect(f.rangeProblems.map((p) => `${p.kind}:${p.tensor}`)).toEqual(['overlap:b', 'out-of-range:c']);
  });
});
