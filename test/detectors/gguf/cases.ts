import { BufferSource } from '../../../src/core/byte-source.js';
import { buildGguf, type GgufSpec } from '../../../src/formats/gguf/builder.js';
import type { GgufFile } from '../../../src/formats/gguf/model.js';
import { parseGguf } from '../../../src/formats/gguf/parse.js';

/** Builds a GGUF file from a spec and parses it, for rule tests. */
export const build = (spec: GgufSpec): GgufFile => parseGguf(new BufferSource(buildGguf(spec)));
export const str = (value: string) => ({ type: 'string' as const, value });

/** Files that follow the spec. */
export const WELL_FORMED: Array<{ name: string; input: GgufSpec }> = [
  { name: 'header only', input: {} },
  {
    name: 'metadata, a vocabulary and quantised tensors',
    input: {
      kvs: [
        { key: 'general.architecture', value: str('llama') },
        { key: 'tokenizer.ggml.tokens', value: { type: 'array', elementType: 'string', items: [str('<s>'), str('a')] } },
      ],
      tensors: [
        { name: 'tok', dims: [64, 2], type: 8 },
        { name: 'norm', dims: [64], type: 0 },
        { name: 'k', dims: [256], type: 12 },
      ],
    },
  },
  { name: 'v1 file', input: { version: 1, tensors: [{ name: 'w', dims: [4] }] } },
  {
    name: 'big-endian file',
    input: {
      bigEndian: true,
      kvs: [{ key: 'general.alignment', value: { type: 'uint32', value: 16 } }],
      alignment: 16,
      tensors: [
        { name: 'w', dims: [3] },
        { name: 'v', dims: [3] },
      ],
    },
  },
];
