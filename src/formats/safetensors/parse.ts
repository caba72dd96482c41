import { ByteReader } from '../../core/byte-reader.js';
import type { ByteSource } from '../../core/byte-source.js';
import { ModelgateError } from '../../core/errors.js';
import { DTYPE_BITS } from './dtypes.js';
import type { OffsetProblem, SafetensorsFile, TensorEntry, UnclaimedRange } from './model.js';
import { JsonNumber, type JsonObject, type JsonValue, parseStrictJson } from './strict-json.js';

/** Largest header accepted: the safetensors crate's MAX_HEADER_SIZE (100 MB) refuses more. */
export const MAX_HEADER_BYTES = 100_000_000;
/** A header is an object of objects of arrays: depth 3. Anything much deeper is not a header. */
const MAX_HEADER_DEPTH = 16;
/** Problems of one kind listed by name before they are only counted. */
const MAX_LISTED = 20;
/** u64 range of usize offsets and element counts (the crate checks products for overflow). */
const U64_MAX = (1n << 64n) - 1n;

/**
 * True when bytes look like a safetensors file (README "Format"): an 8-byte little-endian
 * header length no larger than the crate accepts, then `{`, then a key or `}`. A length past
 * the end of the file still counts, so a truncated file is reported rather than ignored.
 */
export function isSafetensors(head: Buffer, size: number): boolean {
  if (head.length < 10 || size < 10) return false;
  const n = head.readBigUInt64LE(0);
  if (n < 2n || n > BigInt(MAX_HEADER_BYTES) || head[8] !== 0x7b) return false;
  for (let i = 9; i < head.length; i++) {
    const c = head[i];
    if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) continue;
    return c === 0x22 || c === 0x7d;
  }
  return true;
}

/** Bytes text never holds: NUL and the C0 controls but tab to carriage return and escape, or invalid UTF-8. */
function isBinary(bytes: Buffer): boolean {
  if (bytes.some((b) => b < 0x20 && !(b >= 0x09 && b <= 0x0d) && b !== 0x1b)) return true;
  return !Buffer.from(bytes.toString('utf8'), 'utf8').equals(bytes);
}

/**
 * True when bytes look like a safetensors file whose header length is broken: a JSON object
 * begins at byte 8 as in a real header (`{` then a key or `}`), but the length before it is
 * past what the crate accepts. The length must be binary (a real length below 2^56 has a NUL
 * in its top byte): eight characters of text before `{"` are a script or a config, not this.
 * Such a file is read as safetensors so that its header is reported broken, not passed over.
 */
export function isBrokenSafetensors(head: Buffer): boolean {
  if (head.length < 10 || head[8] !== 0x7b || !isBinary(head.subarray(0, 8))) return false;
  const next = head.subarray(9).find((c) => c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09);
  return next === undefined || next === 0x22 || next === 0x7d;
}

const isObject = (v: JsonValue | undefined): v is JsonObject => v instanceof Map;
const uints = (v: JsonValue | undefined): bigint[] | undefined => {
  if (!Array.isArray(v)) return undefined;
  const out = v.map((x) => (x instanceof JsonNumber ? x.asUint() : undefined));
  return out.every((x) => x !== undefined && x <= U64_MAX) ? (out as bigint[]) : undefined;
};

/** Reads one tensor entry; returns it, or the reason a loader would refuse it. */
function readEntry(name: string, v: JsonValue): TensorEntry | string {
  if (!isObject(v)) return `${name}: not an object`;
  const dtype = v.get('dtype');
  const shape = uints(v.get('shape'));
  const offsets = uints(v.get('data_offsets'));
  if (typeof dtype !== 'string') return `${name}: dtype is not a string`;
  if (!shape) return `${name}: shape is not a list of unsigned integers`;
  if (!offsets || offsets.length !== 2) return `${name}: data_offsets is not a pair of unsigned integers`;
  const bits = DTYPE_BITS.get(dtype);
  if (bits === undefined) return `${name}: unknown dtype ${JSON.stringify(dtype.slice(0, 40))}`;
  const entry: TensorEntry = { name, dtype, shape, begin: offsets[0]!, end: offsets[1]! };
  // tensor.rs Metadata::validate: elements × dtype size, with overflow checks, equals the range.
  const elements = shape.reduce((a, b) => a * b, 1n);
  if (elements > U64_MAX) return `${name}: shape ${shape.join('x')} overflows`;
  const totalBits = elements * BigInt(bits);
  if (totalBits % 8n !== 0n) return `${name}: ${elements} ${dtype} elements do not fill whole bytes`;
  if (entry.end >= entry.begin && entry.end - entry.begin !== totalBits / 8n) {
    return `${name}: ${dtype}[${shape.join(', ')}] needs ${totalBits / 8n} bytes but data_offsets span ${entry.end - entry.begin}`;
  }
  return entry;
}

/** Sorts ranges by start (the crate sorts by data_offsets) and checks they tile the data. */
function checkOffsets(tensors: TensorEntry[], dataStart: number, dataSize: number): { problems: OffsetProblem[]; unclaimed: UnclaimedRange[] } {
  const problems: OffsetProblem[] = [];
  const unclaimed: UnclaimedRange[] = [];
  const size = BigInt(dataSize);
  const sorted = [...tensors].sort((a, b) => (a.begin < b.begin ? -1 : a.begin > b.begin ? 1 : a.end < b.end ? -1 : a.end > b.end ? 1 : 0));
  let covered = 0n;
  let lastName = '';
  for (const t of sorted) {
    if (t.end < t.begin) {
      problems.push({ kind: 'reversed', tensor: t.name, message: `${t.name} ends (${t.end}) before it begins (${t.begin})` });
      continue;
    }
    if (t.end > size) {
      problems.push({ kind: 'out-of-range', tensor: t.name, message: `${t.name} spans [${t.begin}, ${t.end}) but the data holds ${dataSize} bytes` });
    }
    if (t.begin < covered) {
      problems.push({ kind: 'overlap', tensor: t.name, message: `${t.name} [${t.begin}, ${t.end}) overlaps ${lastName}, which ends at ${covered}` });
    } else if (t.begin > covered && covered < size) {
      const stop = t.begin < size ? t.begin : size;
      unclaimed.push({ start: dataStart + Number(covered), length: Number(stop - covered), trailing: false });
    }
    if (t.end > covered) {
      covered = t.end;
      lastName = t.name;
    }
  }
  // Trailing bytes first: when there are too many ranges to scan them all, they are scanned.
  if (covered < size) unclaimed.unshift({ start: dataStart + Number(covered), length: Number(size - covered), trailing: true });
  return { problems, unclaimed };
}

function listed(items: string[]): string[] {
  return items.length > MAX_LISTED ? [...items.slice(0, MAX_LISTED), `${items.length - MAX_LISTED} more`] : items;
}

/**
 * Reads the header of a safetensors file (README "Format": u64 N, N bytes of UTF-8 JSON
 * starting with `{`, then the data) and checks every part of it, never reading tensor data.
 * Throws a ModelgateError when no header can be read at all (TRUNCATED, LIMIT_STRING,
 * MALFORMED, LIMIT_DEPTH); problems inside a readable header are returned in the model.
 */
export function parseSafetensors(source: ByteSource): SafetensorsFile {
  const reader = new ByteReader(source);
  if (source.size < 8) throw new ModelgateError('TRUNCATED', `${source.size} bytes is too short for the 8-byte header length`, { offset: 0 });
  const n = reader.bytes(8).readBigUInt64LE(0);
  if (n > BigInt(MAX_HEADER_BYTES))
    throw new ModelgateError('LIMIT_STRING', `header length ${n} is over the ${MAX_HEADER_BYTES}-byte limit loaders enforce`, { offset: 0 });
  const headerLength = Number(n);
  if (8 + headerLength > source.size) {
    throw new ModelgateError('TRUNCATED', `header length ${headerLength} runs past the end of the file (${source.size - 8} bytes follow)`, { offset: 0 });
  }
  const raw = reader.bytes(headerLength);
  // README: "The header data MUST begin with a { character (0x7B)".
  if (raw[0] !== 0x7b) throw new ModelgateError('MALFORMED', 'header does not begin with "{"', { offset: 8 });
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(raw);
  } catch (e) {
    throw new ModelgateError('MALFORMED', 'header is not valid UTF-8', { offset: 8, cause: e });
  }
  const duplicates: string[] = [];
  let doc: JsonValue;
  try {
    // README: the header "MAY be trailing padded with whitespace (0x20)"; JSON allows it.
    doc = parseStrictJson(text, { maxDepth: MAX_HEADER_DEPTH, onDuplicate: (key, path) => duplicates.push(path === '' ? key : `${path}.${key}`) });
  } catch (e) {
    if (!(e instanceof ModelgateError)) throw e;
    const at = e.offset === undefined ? 8 : 8 + Buffer.byteLength(text.slice(0, e.offset));
    throw new ModelgateError(e.code, `header JSON: ${e.message}`, { offset: at, cause: e });
  }
  if (!isObject(doc)) throw new ModelgateError('MALFORMED', 'header is not a JSON object', { offset: 8 });

  const issues: string[] = [];
  const tensors: TensorEntry[] = [];
  let metadata: Map<string, string> | undefined;
  for (const [key, value] of doc) {
    if (key === '__metadata__') {
      // README: "a special key __metadata__ ... may only contain a string-to-string map".
      const ok = isObject(value) && [...value.values()].every((v) => typeof v === 'string');
      if (ok) metadata = value as Map<string, string>;
      else issues.push('__metadata__ is not a map of strings to strings');
      continue;
    }
    const entry = readEntry(key, value);
    if (typeof entry === 'string') issues.push(entry);
    else tensors.push(entry);
  }
  const dataStart = 8 + headerLength;
  const dataSize = source.size - dataStart;
  const { problems, unclaimed } = checkOffsets(tensors, dataStart, dataSize);
  return {
    size: source.size,
    headerLength,
    dataStart,
    dataSize,
    tensors,
    metadata,
    duplicates: listed(duplicates),
    issues: listed(issues),
    offsetProblems: problems,
    unclaimed,
  };
}
