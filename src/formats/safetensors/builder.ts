import { DTYPE_BITS } from './dtypes.js';

/** Test-only: one tensor of a safetensors file to build. */
export interface TensorSpec {
  name: string;
  dtype: string;
  shape: number[];
  /** Declared data_offsets instead of the contiguous ones the builder computes. */
  offsets?: [number | bigint, number | bigint];
  /** The tensor's bytes, written at its offset; zeros when absent. */
  data?: Uint8Array;
}

/** Test-only: a safetensors file to build, lies included. */
export interface SafetensorsSpec {
  tensors?: TensorSpec[];
  metadata?: Record<string, unknown>;
  /** Header text to write instead of the JSON built from tensors and metadata. */
  rawHeader?: string;
  /** A header length to declare instead of the real one. */
  declaredLength?: bigint;
  /** Bytes after the tensor data. */
  trailing?: Buffer;
  /** Bytes of tensor data to write instead of the size the offsets need. */
  dataBytes?: number;
}

/**
 * Test-only: builds safetensors bytes (README "Format": u64 LE header length, JSON header
 * padded with spaces to 8 bytes, then the data). Tensor data is zeros unless a tensor gives its own.
 */
export function buildSafetensors(spec: SafetensorsSpec): Buffer {
  const header: Record<string, unknown> = {};
  if (spec.metadata) header.__metadata__ = spec.metadata;
  let offset = 0n;
  let end = 0n;
  const placed: Array<{ at: bigint; data: Uint8Array }> = [];
  for (const t of spec.tensors ?? []) {
    const bits = BigInt(DTYPE_BITS.get(t.dtype) ?? 8);
    const bytes = (t.shape.reduce((a, b) => a * BigInt(b), 1n) * bits) / 8n;
    const [b, e] = t.offsets ? [BigInt(t.offsets[0]), BigInt(t.offsets[1])] : [offset, offset + bytes];
    header[t.name] = { dtype: t.dtype, shape: t.shape, data_offsets: ['@' + b, '@' + e] };
    if (t.data) placed.push({ at: b, data: t.data });
    offset = e;
    if (e > end) end = e;
  }
  // Offsets are written as exact integers, even past 2^53.
  const json = spec.rawHeader ?? JSON.stringify(header).replace(/"@(\d+)"/g, '$1');
  let text = Buffer.from(json, 'utf8');
  if (spec.rawHeader === undefined && text.length % 8 !== 0) text = Buffer.concat([text, Buffer.alloc(8 - (text.length % 8), 0x20)]);
  const length = Buffer.alloc(8);
  length.writeBigUInt64LE(spec.declaredLength ?? BigInt(text.length));
  const dataBytes = spec.dataBytes ?? Number(end > 1_000_000n ? 0n : end);
  const data = Buffer.alloc(dataBytes);
  for (const { at, data: bytes } of placed) if (at < dataBytes) data.set(bytes.subarray(0, dataBytes - Number(at)), Number(at));
  return Buffer.concat([length, text, data, spec.trailing ?? Buffer.alloc(0)]);
}
