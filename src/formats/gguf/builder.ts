import { GGML_TYPES, SCALAR_BYTES, type ValueType, VALUE_TYPES } from './types.js';

/** Test-only: one metadata value to write, lies (declared lengths) included. */
export type GgufValueSpec =
  | { type: Exclude<ValueType, 'array' | 'string'>; value: number | bigint | boolean }
  | { type: 'string'; value: string; declaredLength?: bigint }
  | { type: 'array'; elementType: ValueType; items: GgufValueSpec[]; declaredLength?: bigint };

/** Test-only: one tensor info to write. */
export interface GgufTensorSpec {
  name: string;
  dims: Array<number | bigint>;
  /** ggml type code (0 = F32). */
  type?: number;
  /** Offset to declare instead of the aligned running one. */
  offset?: number | bigint;
  /** Number of dimensions to declare instead of `dims.length`. */
  declaredDims?: number;
}

/** Test-only: a GGUF file to build. */
export interface GgufSpec {
  version?: number;
  bigEndian?: boolean;
  kvs?: Array<{ key: string; value: GgufValueSpec }>;
  tensors?: GgufTensorSpec[];
  /** Counts to declare instead of the real ones. */
  tensorCount?: bigint;
  kvCount?: bigint;
  /** Alignment used for offsets and padding (write `general.alignment` yourself to declare it). */
  alignment?: number;
  /** Bytes of tensor data to write instead of what the tensors need; `0` cuts it off. */
  dataBytes?: number;
}

class Writer {
  parts: Buffer[] = [];
  size = 0;
  constructor(
    readonly be: boolean,
    readonly v1: boolean,
  ) {}
  raw(b: Buffer): void {
    this.parts.push(b);
    this.size += b.length;
  }
  /** An integer or float of `bytes` bytes in the file's byte order. */
  int(bytes: number, v: number | bigint, signed = false, float = false): void {
    const b = Buffer.alloc(bytes);
    const n = Number(v);
    if (float && bytes === 4) this.be ? b.writeFloatBE(n) : b.writeFloatLE(n);
    else if (float) this.be ? b.writeDoubleBE(n) : b.writeDoubleLE(n);
    else if (bytes === 1) signed ? b.writeInt8(n) : b.writeUInt8(n);
    else if (bytes === 2 && signed) this.be ? b.writeInt16BE(n) : b.writeInt16LE(n);
    else if (bytes === 2) this.be ? b.writeUInt16BE(n) : b.writeUInt16LE(n);
    else if (bytes === 4 && signed) this.be ? b.writeInt32BE(n) : b.writeInt32LE(n);
    else if (bytes === 4) this.be ? b.writeUInt32BE(n) : b.writeUInt32LE(n);
    else if (signed) this.be ? b.writeBigInt64BE(BigInt(v)) : b.writeBigInt64LE(BigInt(v));
    else this.be ? b.writeBigUInt64BE(BigInt(v)) : b.writeBigUInt64LE(BigInt(v));
    this.raw(b);
  }
  count(n: number | bigint): void {
    this.int(this.v1 ? 4 : 8, this.v1 ? Number(n) : BigInt(n));
  }
  string(s: string, declared?: bigint): void {
    const b = Buffer.from(s, 'utf8');
    this.count(declared ?? BigInt(b.length));
    this.raw(b);
  }
  value(v: GgufValueSpec, type: ValueType): void {
    if (type === 'string') return v.type === 'string' ? this.string(v.value, v.declaredLength) : this.string(String(v.type === 'array' ? '' : v.value));
    if (type === 'array') {
      if (v.type !== 'array') throw new Error('array value expected');
      this.int(4, VALUE_TYPES.indexOf(v.elementType));
      this.count(v.declaredLength ?? BigInt(v.items.length));
      for (const item of v.items) this.value(item, v.elementType);
      return;
    }
    const raw = (v as { value: number | bigint | boolean }).value;
    const n = typeof raw === 'boolean' ? (raw ? 1 : 0) : raw;
    this.int(SCALAR_BYTES[type] ?? 4, n, type.startsWith('int'), type.startsWith('float'));
  }
}

/** Test-only: builds GGUF bytes (ggml docs/gguf.md) from a spec; tensor data is zeros. */
export function buildGguf(spec: GgufSpec): Buffer {
  const version = spec.version ?? 3;
  const w = new Writer(spec.bigEndian ?? false, version === 1);
  const alignment = spec.alignment ?? 32;
  w.raw(Buffer.from('GGUF', 'latin1'));
  w.int(4, version);
  const kvs = spec.kvs ?? [];
  const tensors = spec.tensors ?? [];
  w.count(spec.tensorCount ?? BigInt(tensors.length));
  w.count(spec.kvCount ?? BigInt(kvs.length));
  for (const { key, value } of kvs) {
    w.string(key);
    w.int(4, VALUE_TYPES.indexOf(value.type));
    w.value(value, value.type);
  }
  let offset = 0n;
  let end = 0n;
  for (const t of tensors) {
    const type = t.type ?? 0;
    const ggml = GGML_TYPES.get(type) ?? { blockSize: 1, typeSize: 1 };
    const bytes = (t.dims.reduce<bigint>((a, b) => a * BigInt(b), 1n) / BigInt(ggml.blockSize)) * BigInt(ggml.typeSize);
    const at = t.offset === undefined ? offset : BigInt(t.offset);
    w.string(t.name);
    w.int(4, t.declaredDims ?? t.dims.length);
    for (const d of t.dims) w.count(d);
    w.int(4, type);
    w.int(8, at);
    const a = BigInt(alignment);
    offset = ((at + bytes + a - 1n) / a) * a;
    if (at + bytes > end) end = at + bytes;
  }
  const pad = (alignment - (w.size % alignment)) % alignment;
  // Absurd offsets (tests of out-of-range data) get no data rather than an absurd buffer.
  const data = spec.dataBytes ?? (end > 1_000_000n ? 0 : Number(end));
  if (tensors.length > 0 || spec.dataBytes !== undefined) w.raw(Buffer.alloc(pad + data));
  return Buffer.concat(w.parts);
}
