import { ByteReader } from '../../core/byte-reader.js';
import type { ByteSource } from '../../core/byte-source.js';
import { ModelgateError } from '../../core/errors.js';
import type { GgufFile, GgufKv, GgufScalar, GgufTensor, TensorRangeProblem } from './model.js';
import { GGML_TYPES, SCALAR_BYTES, type ValueType, VALUE_TYPES } from './types.js';

/** gguf.md: keys are "at most 2^16-1 bytes long". */
export const MAX_KEY_BYTES = 65_535;
/** Metadata entries. Real files have a few dozen; a count past this is not a model. */
export const MAX_KV_COUNT = 100_000;
/** Tensors. The largest published models have a few thousand tensor infos. */
export const MAX_TENSOR_COUNT = 1_000_000;
/** Nesting of arrays in arrays. The spec allows it, llama.cpp refuses it, no writer emits it. */
export const MAX_ARRAY_DEPTH = 4;
/** String and array elements walked in all: vocabularies hold a few hundred thousand tokens. */
export const MAX_ELEMENTS_WALKED = 16_000_000;
/** String values kept in the model (chat templates are kilobytes); longer ones are skipped over. */
export const MAX_KEPT_STRING_BYTES = 4 * 1024 * 1024;
/** ggml GGML_MAX_DIMS. */
const MAX_DIMS = 4;
/** ggml GGML_MAX_NAME: names must fit 64 bytes with their terminating NUL. */
const MAX_NAME_BYTES = 63;
/** gguf.md: `general.alignment` defaults to 32 (GGUF_DEFAULT_ALIGNMENT). */
const DEFAULT_ALIGNMENT = 32;
const INT64_MAX = (1n << 63n) - 1n;

/** True when bytes start with the GGUF magic (gguf.md: `uint32_t magic` = "GGUF"). */
export function isGguf(head: Buffer): boolean {
  return head.length >= 4 && head.toString('latin1', 0, 4) === 'GGUF';
}

/** Reads GGUF integers in the file's byte order; counts and lengths are u32 in v1, u64 after. */
class Cursor {
  walked = 0;
  constructor(
    readonly r: ByteReader,
    readonly bigEndian: boolean,
    readonly v1: boolean,
  ) {}
  u32(): number {
    const b = this.r.bytes(4);
    return this.bigEndian ? b.readUInt32BE(0) : b.readUInt32LE(0);
  }
  u64(): bigint {
    const b = this.r.bytes(8);
    return this.bigEndian ? b.readBigUInt64BE(0) : b.readBigUInt64LE(0);
  }
  /** A length or count (gguf.md: GGUFv1 used uint32 for these). */
  count(): bigint {
    return this.v1 ? BigInt(this.u32()) : this.u64();
  }
  get countBytes(): number {
    return this.v1 ? 4 : 8;
  }
  /** Fails unless `n` items of at least `each` bytes fit in what is left of the file. */
  room(n: bigint, each: number, what: string, at: number): number {
    if (n * BigInt(each) > BigInt(this.r.remaining)) {
      throw new ModelgateError('TRUNCATED', `${what} claims ${n} entries of at least ${each} bytes; ${this.r.remaining} bytes are left`, { offset: at });
    }
    return Number(n);
  }
  /** A gguf_string_t: length, then UTF-8 bytes. Returns undefined past `keep` bytes (skipped). */
  string(keep: number, what: string): { text?: string; bytes: number; at: number } {
    const lengthAt = this.r.pos;
    const n = this.room(this.count(), 1, what, lengthAt);
    const at = this.r.pos;
    if (n > keep) {
      this.r.skip(n);
      return { bytes: n, at };
    }
    return { text: this.r.text(n, 'utf8'), bytes: n, at };
  }
  scalar(type: ValueType, at: number): GgufScalar {
    const r = this.r;
    const b = r.bytes(SCALAR_BYTES[type] ?? 0);
    const be = this.bigEndian;
    switch (type) {
      case 'uint8':
        return b[0]!;
      case 'int8':
        return b.readInt8(0);
      case 'bool':
        // gguf.md: "1-byte value where 0 is false and 1 is true. Anything else is invalid."
        if (b[0]! > 1) throw new ModelgateError('MALFORMED', `bool value ${b[0]}`, { offset: at });
        return b[0] === 1;
      case 'uint16':
        return be ? b.readUInt16BE(0) : b.readUInt16LE(0);
      case 'int16':
        return be ? b.readInt16BE(0) : b.readInt16LE(0);
      case 'uint32':
        return be ? b.readUInt32BE(0) : b.readUInt32LE(0);
      case 'int32':
        return be ? b.readInt32BE(0) : b.readInt32LE(0);
      case 'float32':
        return be ? b.readFloatBE(0) : b.readFloatLE(0);
      case 'uint64':
        return be ? b.readBigUInt64BE(0) : b.readBigUInt64LE(0);
      case 'int64':
        return be ? b.readBigInt64BE(0) : b.readBigInt64LE(0);
      default:
        return be ? b.readDoubleBE(0) : b.readDoubleLE(0);
    }
  }
  valueType(what: string): ValueType {
    const at = this.r.pos;
    const code = this.u32();
    const type = VALUE_TYPES[code];
    if (type === undefined) throw new ModelgateError('MALFORMED', `${what} has unknown value type ${code}`, { offset: at });
    return type;
  }
  /** Skips an array value (gguf.md: element type, count, elements), bounded and checked. */
  array(depth: number, what: string): { elementType: ValueType; length: number } {
    if (depth > MAX_ARRAY_DEPTH) throw new ModelgateError('LIMIT_DEPTH', `${what} nests arrays more than ${MAX_ARRAY_DEPTH} deep`, { offset: this.r.pos });
    const elementType = this.valueType(what);
    const at = this.r.pos;
    const n = this.count();
    const scalar = SCALAR_BYTES[elementType];
    if (scalar !== undefined) {
      this.r.skip(this.room(n, scalar, what, at) * scalar);
      return { elementType, length: Number(n) };
    }
    const length = this.room(n, elementType === 'string' ? this.countBytes : 4 + this.countBytes, what, at);
    this.walked += length;
    if (this.walked > MAX_ELEMENTS_WALKED) throw new ModelgateError('LIMIT_ENTRIES', `more than ${MAX_ELEMENTS_WALKED} array elements`, { offset: at });
    for (let i = 0; i < length; i++) {
      if (elementType === 'string') this.string(0, what);
      else this.array(depth + 1, what);
    }
    return { elementType, length };
  }
}

function readKv(c: Cursor, file: GgufFile, seen: Set<string>): void {
  const offset = c.r.pos;
  const key = c.string(MAX_KEY_BYTES, 'metadata key');
  if (key.text === undefined) throw new ModelgateError('MALFORMED', `metadata key of ${key.bytes} bytes is longer than ${MAX_KEY_BYTES}`, { offset });
  const type = c.valueType(`metadata ${key.text}`);
  const kv: GgufKv = { key: key.text, type, offset, valueOffset: c.r.pos };
  if (type === 'string') {
    const s = c.string(MAX_KEPT_STRING_BYTES, `metadata ${key.text}`);
    kv.value = s.text;
    kv.stringBytes = s.bytes;
    kv.valueOffset = s.at;
  } else if (type === 'array') {
    kv.array = c.array(1, `metadata ${key.text}`);
  } else {
    kv.value = c.scalar(type, kv.valueOffset);
  }
  if (seen.has(kv.key)) file.duplicateKeys.push(kv.key);
  seen.add(kv.key);
  file.kvs.push(kv);
  if (kv.key === 'general.alignment') {
    // gguf.md: general.alignment is a uint32; llama.cpp also wants a non-zero power of two.
    const a = kv.value;
    if (type !== 'uint32' || typeof a !== 'number' || a === 0 || (a & (a - 1)) !== 0)
      file.issues.push(`general.alignment is ${type} ${String(a)}, not a power-of-two uint32`);
    else file.alignment = a;
  }
}

function readTensorInfo(c: Cursor, file: GgufFile, names: Set<string>): void {
  const at = c.r.pos;
  const name = c.string(MAX_KEY_BYTES, 'tensor name');
  if (name.text === undefined) throw new ModelgateError('MALFORMED', `tensor name of ${name.bytes} bytes`, { offset: at });
  const nDims = c.u32();
  if (nDims > MAX_DIMS) throw new ModelgateError('MALFORMED', `tensor ${name.text} has ${nDims} dimensions; ggml allows ${MAX_DIMS}`, { offset: at });
  const dims: bigint[] = [];
  for (let i = 0; i < nDims; i++) dims.push(c.count());
  const type = c.u32();
  const offset = c.u64();
  const ggml = GGML_TYPES.get(type);
  const tensor: GgufTensor = { name: name.text, dims, type, typeName: ggml?.name, offset };
  file.tensors.push(tensor);
  const problem = (why: string): void => void file.issues.push(`tensor ${name.text}: ${why}`);
  if (name.bytes > MAX_NAME_BYTES) problem(`name of ${name.bytes} bytes is longer than ggml's ${MAX_NAME_BYTES}`);
  if (names.has(name.text)) problem('name appears twice');
  names.add(name.text);
  const elements = dims.reduce((a, b) => a * b, 1n);
  if (elements > INT64_MAX) return problem(`dimensions ${dims.join('x')} overflow int64`);
  if (!ggml) return problem(`unknown ggml type ${type}`);
  if ((dims[0] ?? 1n) % BigInt(ggml.blockSize) !== 0n) problem(`first dimension ${dims[0]} is not a multiple of the ${ggml.name} block size ${ggml.blockSize}`);
  tensor.bytes = (elements / BigInt(ggml.blockSize)) * BigInt(ggml.typeSize);
  if (offset % BigInt(file.alignment) !== 0n) problem(`offset ${offset} is not a multiple of the alignment ${file.alignment}`);
}

/** Tensor data ranges, sorted, must stay inside the file and not overlap (nothing is read). */
function checkRanges(file: GgufFile, dataStart: number): TensorRangeProblem[] {
  const problems: TensorRangeProblem[] = [];
  const size = BigInt(file.size);
  const sized = file.tensors.filter((t) => t.bytes !== undefined).sort((a, b) => (a.offset < b.offset ? -1 : a.offset > b.offset ? 1 : 0));
  let covered = 0n;
  let last = '';
  for (const t of sized) {
    const end = t.offset + (t.bytes ?? 0n);
    if (BigInt(dataStart) + end > size) {
      problems.push({
        kind: 'out-of-range',
        tensor: t.name,
        message: `${t.name} data [${t.offset}, ${end}) from ${dataStart} runs past the end of the file (${file.size} bytes)`,
      });
    }
    if (t.offset < covered && (t.bytes ?? 0n) > 0n)
      problems.push({ kind: 'overlap', tensor: t.name, message: `${t.name} [${t.offset}, ${end}) overlaps ${last}, which ends at ${covered}` });
    if (end > covered) {
      covered = end;
      last = t.name;
    }
  }
  return problems;
}

function readHeader(r: ByteReader, file: GgufFile): void {
  // gguf.md: magic "GGUF", then uint32 version (a big-endian file reads as a byte-swapped one).
  if (r.bytes(4).toString('latin1') !== 'GGUF') throw new ModelgateError('MALFORMED', 'no GGUF magic', { offset: 0 });
  const raw = r.bytes(4);
  const le = raw.readUInt32LE(0);
  const be = raw.readUInt32BE(0);
  file.bigEndian = !(le >= 1 && le <= 3) && be >= 1 && be <= 3;
  file.version = file.bigEndian ? be : le;
  if (file.version < 1 || file.version > 3) throw new ModelgateError('UNSUPPORTED', `GGUF version ${le} (modelgate reads 1 to 3)`, { offset: 4 });
  const c = new Cursor(r, file.bigEndian, file.version === 1);
  file.tensorCount = c.count();
  file.kvCount = c.count();
  if (file.kvCount > BigInt(MAX_KV_COUNT))
    throw new ModelgateError('LIMIT_ENTRIES', `${file.kvCount} metadata entries is more than ${MAX_KV_COUNT}`, { offset: 8 });
  if (file.tensorCount > BigInt(MAX_TENSOR_COUNT))
    throw new ModelgateError('LIMIT_ENTRIES', `${file.tensorCount} tensors is more than ${MAX_TENSOR_COUNT}`, { offset: 8 });
  // Each key/value takes at least a key length, a type and one byte of value.
  const kvs = c.room(file.kvCount, c.countBytes + 5, 'the metadata', r.pos);
  const seen = new Set<string>();
  for (let i = 0; i < kvs; i++) readKv(c, file, seen);
  // Each tensor info takes at least a name length, n_dims, type and offset.
  const tensors = c.room(file.tensorCount, c.countBytes + 16, 'the tensor infos', r.pos);
  const names = new Set<string>();
  for (let i = 0; i < tensors; i++) readTensorInfo(c, file, names);
  // gguf.md: padding to general.alignment, then the tensor data.
  const dataStart = Math.ceil(r.pos / file.alignment) * file.alignment;
  file.dataStart = dataStart;
  file.rangeProblems = checkRanges(file, dataStart);
}

/**
 * Reads a GGUF header (ggml docs/gguf.md, versions 1 to 3, either byte order): metadata
 * key/values with every length and count checked against the file and named limits, tensor
 * infos, alignment and tensor data ranges. Never reads tensor data; never throws: a header that
 * breaks gives `error`, with everything read before it kept.
 */
export function parseGguf(source: ByteSource): GgufFile {
  const file: GgufFile = {
    size: source.size,
    version: 0,
    bigEndian: false,
    tensorCount: 0n,
    kvCount: 0n,
    kvs: [],
    tensors: [],
    alignment: DEFAULT_ALIGNMENT,
    issues: [],
    duplicateKeys: [],
    rangeProblems: [],
  };
  const reader = new ByteReader(source);
  try {
    readHeader(reader, file);
  } catch (e) {
    file.error =
      e instanceof ModelgateError ? e : new ModelgateError('MALFORMED', e instanceof Error ? e.message : String(e), { cause: e, offset: reader.pos });
  }
  return file;
}
