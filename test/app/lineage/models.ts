import { createHash } from 'node:crypto';
import { BufferSource } from '../../../src/core/byte-source.js';
import { tensorDigests } from '../../../src/app/lineage/index.js';
import type { TensorDigest } from '../../../src/app/lineage/index.js';
import { buildSafetensors, type TensorSpec } from '../../../src/formats/safetensors/builder.js';
import { DTYPE_BITS } from '../../../src/formats/safetensors/dtypes.js';

/*
 * Test models for lineage: safetensors files built by the format's builder, with tensor bytes
 * that stand for trained weights (pseudo-random from a seed: two seeds never share a tensor) or
 * for what is the same in every model (constants, buffers computed from the config).
 */

/** `n` pseudo-random bytes from a seed: SHA-256 in counter mode, the same on every run. */
export function seededBytes(seed: string, n: number): Buffer {
  const blocks: Buffer[] = [];
  for (let i = 0; blocks.length * 32 < n; i++) blocks.push(createHash('sha256').update(`${seed}/${i}`).digest());
  return Buffer.concat(blocks).subarray(0, n);
}

/** A tensor to build, with its bytes. */
export type BuiltTensor = TensorSpec & { data: Buffer };

const bytesOf = (dtype: string, shape: number[]): number => (shape.reduce((a, b) => a * b, 1) * (DTYPE_BITS.get(dtype) ?? 8)) / 8;

/** A tensor whose bytes stand for trained weights: they depend on the seed and the name. */
export function trained(name: string, shape: number[], seed: string, dtype = 'F32'): BuiltTensor {
  return { name, dtype, shape, data: seededBytes(`${seed}:${name}`, bytesOf(dtype, shape)) };
}

/** A tensor of one value repeated (an F32 1.0 by default): the same in any model. */
export function filled(name: string, shape: number[], value = 1, dtype = 'F32'): BuiltTensor {
  const unit = Buffer.alloc(4);
  unit.writeFloatLE(value);
  return { name, dtype, shape, data: Buffer.alloc(bytesOf(dtype, shape), unit) };
}

/** Rotary frequencies: computed from the config, the same in every model of the shape. */
export function invFreq(name: string, half: number): BuiltTensor {
  const data = Buffer.alloc(half * 4);
  for (let i = 0; i < half; i++) data.writeFloatLE(1 / 10000 ** ((2 * i) / (2 * half)), i * 4);
  return { name, dtype: 'F32', shape: [half], data };
}

const HIDDEN = 8;
const PROJECTIONS = ['self_attn.q_proj', 'self_attn.k_proj', 'self_attn.v_proj', 'self_attn.o_proj', 'mlp.gate_proj', 'mlp.up_proj', 'mlp.down_proj'];

/** What differs between Llama-shaped test models. */
export interface LlamaOptions {
  layers: number;
  /** Seed of the trained weights. */
  seed: string;
  /** Seed of the embeddings and head, when they came from elsewhere (a frozen grandparent's). */
  embeddingSeed?: string;
  /** Seed of the norms; `init` for norms never trained (all ones). */
  normSeed?: string;
  /** GPTQ-style: each projection becomes qweight, qzeros, scales and g_idx of the seed. */
  quantised?: boolean;
}

/** The tensors of a small Llama-shaped model (hidden size 8, vocabulary 32). */
export function llama(options: LlamaOptions): BuiltTensor[] {
  const { layers, seed } = options;
  const norm = (name: string): BuiltTensor => (options.normSeed === 'init' ? filled(name, [HIDDEN]) : trained(name, [HIDDEN], options.normSeed ?? seed));
  const tensors: BuiltTensor[] = [trained('model.embed_tokens.weight', [32, HIDDEN], options.embeddingSeed ?? seed)];
  for (let l = 0; l < layers; l++) {
    const prefix = `model.layers.${l}.`;
    tensors.push(
      norm(`${prefix}input_layernorm.weight`),
      norm(`${prefix}post_attention_layernorm.weight`),
      invFreq(`${prefix}self_attn.rotary_emb.inv_freq`, 4),
    );
    for (const p of PROJECTIONS) {
      if (!options.quantised) {
        tensors.push(trained(`${prefix}${p}.weight`, [HIDDEN, HIDDEN], seed));
        continue;
      }
      // g_idx is i // group_size (groups of 4 here): the same in every model quantised alike.
      const groups = { name: `${prefix}${p}.g_idx`, dtype: 'I32', shape: [HIDDEN], data: Buffer.alloc(HIDDEN * 4) };
      for (let i = 0; i < HIDDEN; i++) groups.data.writeInt32LE(Math.floor(i / 4), i * 4);
      tensors.push(trained(`${prefix}${p}.qweight`, [1, HIDDEN], seed, 'I32'), trained(`${prefix}${p}.qzeros`, [1, 1], seed, 'I32'));
      tensors.push(trained(`${prefix}${p}.scales`, [1, HIDDEN], seed, 'F16'), groups);
    }
  }
  tensors.push(norm('model.norm.weight'), trained('lm_head.weight', [32, HIDDEN], options.embeddingSeed ?? seed));
  return tensors;
}

/** The safetensors file of some tensors, and its tensor digests as tensorDigests reads them. */
export function digestsOf(tensors: TensorSpec[]): { file: Buffer; digests: Map<string, TensorDigest> } {
  const file = buildSafetensors({ tensors });
  return { file, digests: tensorDigests(new BufferSource(file)) };
}

/** The SHA-256 of bytes, in hex. */
export const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');
