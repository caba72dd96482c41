import { constants, crc32, inflateRawSync } from 'node:zlib';
import { ModelgateError } from '../../core/errors.js';
import { ratioCap, ratioError, StreamOutput, type Decoded, type RatioLimit, type Room } from './output.js';

/** One raw deflate stream (RFC 1951): its output, the input bytes it took, and what ended it early. */
interface Inflated {
  data: Buffer;
  consumed: number;
  error?: ModelgateError;
}

type Overflow = () => ModelgateError;

const tooLarge = (e: unknown): boolean => (e as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE';

/** Inflates a prefix with a sync flush (no end-of-stream required), or undefined when the prefix holds invalid data. */
function inflatePrefix(input: Buffer, length: number, limit: number, overflow: Overflow): Buffer | undefined {
  try {
    return inflateRawSync(input.subarray(0, length), { finishFlush: constants.Z_SYNC_FLUSH, maxOutputLength: Math.max(1, limit) });
  } catch (e) {
    if (tooLarge(e)) throw overflow();
    return undefined;
  }
}

/**
 * The output a streaming reader got before a stream broke. Python's zlib objects hand on
 * what each input block decoded before the block that fails, so a payload before a
 * truncation or a corrupt block has run by the time the loader raises. A truncated stream
 * inflates whole with a sync flush; otherwise the longest prefix that inflates is found by
 * bisection (a prefix that reaches the invalid data fails, any shorter one does not), in
 * log2(n) bounded inflations.
 */
function partialInflate(input: Buffer, limit: number, overflow: Overflow, cause: unknown): Inflated {
  const reason = cause instanceof Error ? cause.message : String(cause);
  const whole = inflatePrefix(input, input.length, limit, overflow);
  if (whole !== undefined) {
    return { data: whole, consumed: input.length, error: new ModelgateError('TRUNCATED', `deflate stream ends before its last block (${reason})`, { cause }) };
  }
  let good = 0;
  let bad = input.length;
  let data: Buffer = Buffer.alloc(0);
  while (bad - good > 1) {
    const mid = good + Math.floor((bad - good) / 2);
    const out = inflatePrefix(input, mid, limit, overflow);
    if (out === undefined) bad = mid;
    else [good, data] = [mid, out];
  }
  return {
    data,
    consumed: input.length,
    error: new ModelgateError('MALFORMED', `deflate data is invalid near byte ${bad} (${reason})`, { cause, offset: bad }),
  };
}

/** Input bytes of the first prefix probed against the ratio limit; each next one is 4 times longer. */
const FIRST_PROBE = 64 * 1024;

/**
 * Throws LIMIT_RATIO when a prefix of `input` already inflates past the ratio limit for its
 * length. zlib's one-shot inflate cannot be stopped part-way by input read, so prefixes of
 * 64 KiB, 256 KiB, 1 MiB... are inflated first, each capped at what the ratio allows it: a
 * bomb stops at the first prefix, having produced no more than that cap (about
 * `ratio.grace`), and real data costs a third more inflation for files past 64 KiB.
 */
function probeRatio(input: Buffer, ratio: RatioLimit | undefined, what: string): void {
  if (ratio === undefined) return;
  for (let n = Math.max(FIRST_PROBE, Math.ceil(ratio.grace / ratio.max)); n < input.length; n *= 4) {
    const cap = ratioCap(ratio, n);
    if (cap >= ratioCap(ratio, input.length)) return;
    inflatePrefix(input, n, cap, () => ratioError(what, cap, n, ratio));
  }
}

/**
 * One raw deflate stream from the start of `input`, never more than `limit` bytes out, nor
 * more than the ratio limit allows for the input it read (when `ratio` is given).
 */
export function inflateRaw(input: Buffer, limit: number, overflow: Overflow, ratio?: RatioLimit, what = 'deflate data'): Inflated {
  probeRatio(input, ratio, what);
  const byRatio = ratioCap(ratio, input.length);
  if (byRatio < limit) {
    limit = byRatio;
    overflow = () => ratioError(what, byRatio, input.length, ratio!);
  }
  try {
    const r = inflateRawSync(input, { maxOutputLength: Math.max(1, limit), info: true }) as unknown as { buffer: Buffer; engine: { bytesWritten: number } };
    if (r.buffer.length > limit) throw overflow();
    return { data: r.buffer, consumed: r.engine.bytesWritten };
  } catch (e) {
    if (e instanceof ModelgateError) throw e;
    if (tooLarge(e)) throw overflow();
    return partialInflate(input, limit, overflow, e);
  }
}

/** Adler-32 (RFC 1950 section 8.2), the zlib trailer's checksum. */
export function adler32(data: Buffer): number {
  let a = 1;
  let b = 0;
  for (let i = 0; i < data.length;) {
    // 5552 bytes is the most that can be summed before b passes 2^53 (zlib's NMAX is for 32 bits).
    const end = Math.min(data.length, i + 5552);
    for (; i < end; i++) {
      a += data[i]!;
      b += a;
    }
    a %= 65521;
    b %= 65521;
  }
  return ((b << 16) | a) >>> 0;
}

/**
 * The end of a gzip member header (RFC 1952 2.3.1) at `pos`, read as CPython's
 * gzip._read_gzip_header reads it: the magic, method 8, then the optional extra field, file
 * name, comment and header CRC (skipped, not checked); reserved flag bits are ignored.
 */
function gzipHeaderEnd(input: Buffer, pos: number): number {
  const truncated = (): never => {
    throw new ModelgateError('TRUNCATED', 'gzip member header is cut short (EOFError)', { offset: pos });
  };
  if (input[pos] !== 0x1f || input[pos + 1] !== 0x8b) throw new ModelgateError('MALFORMED', 'not a gzip member (BadGzipFile)', { offset: pos });
  if (pos + 10 > input.length) truncated();
  if (input[pos + 2] !== 8) throw new ModelgateError('MALFORMED', `gzip compression method ${input[pos + 2]} (BadGzipFile)`, { offset: pos });
  const flags = input[pos + 3]!;
  let at = pos + 10;
  if (flags & 4) {
    if (at + 2 > input.length) truncated();
    at += 2 + input.readUInt16LE(at);
  }
  for (const bit of [8, 16]) {
    if (!(flags & bit)) continue;
    const nul = input.indexOf(0, at);
    if (nul < 0) truncated();
    at = nul + 1;
  }
  if (flags & 2) at += 2;
  if (at > input.length) truncated();
  return at;
}

/**
 * A gzip file as CPython's gzip.GzipFile reads it (Lib/gzip.py _GzipReader): member after
 * member, each member's data handed on as it inflates; after a member its CRC-32 and size
 * are checked (BadGzipFile, raised only after its data was read), zero bytes are skipped as
 * padding, and anything else must be another member (BadGzipFile otherwise). joblib's
 * BinaryGzipFile reads the first member only, which this reading begins with.
 */
export function gunzipMembers(input: Buffer, room: Room): Decoded {
  const out = new StreamOutput(room);
  const overflow = (): ModelgateError => out.overflow('gzip data');
  let pos = 0;
  for (let member = 0; ; member++) {
    if (member > 0) {
      while (pos < input.length && input[pos] === 0) pos++;
      if (pos >= input.length) return out.done();
    }
    let start: number;
    try {
      start = gzipHeaderEnd(input, pos);
    } catch (e) {
      if (member === 0) throw e;
      const err = e as ModelgateError;
      return out.done(new ModelgateError(err.code, `bytes after gzip member ${member}: ${err.message}`, { offset: pos }));
    }
    const r = inflateRaw(input.subarray(start), out.left, overflow, room.ratio, `gzip member ${member + 1}`);
    out.push(r.data);
    if (r.error) return out.done(new ModelgateError(r.error.code, `gzip member ${member + 1}: ${r.error.message}`, { cause: r.error, offset: start }));
    const trailer = start + r.consumed;
    if (trailer + 8 > input.length)
      return out.done(new ModelgateError('TRUNCATED', `gzip member ${member + 1} ends before its CRC-32 and size (EOFError)`, { offset: trailer }));
    if (crc32(r.data) !== input.readUInt32LE(trailer))
      return out.done(
        new ModelgateError('MALFORMED', `gzip member ${member + 1} fails its CRC-32 check (BadGzipFile, raised after its data was read)`, { offset: trailer }),
      );
    if (r.data.length % 2 ** 32 !== input.readUInt32LE(trailer + 4))
      return out.done(new ModelgateError('MALFORMED', `gzip member ${member + 1} has the wrong length in its trailer (BadGzipFile)`, { offset: trailer + 4 }));
    pos = trailer + 8;
  }
}

/**
 * A zlib stream (RFC 1950) as joblib's BinaryZlibFile reads it (joblib/compressor.py, wbits
 * 15): the two-byte header, deflate data, the Adler-32 trailer. A truncated stream is handed
 * on as far as it goes (the reader just meets EOF); bytes after the stream are never read as
 * data (the reader loops on them without end), so they are an error. zlib.decompress, which
 * reads joblib's old Z-files, ignores them instead (`trailing: 'ignore'`).
 */
export function inflateZlib(input: Buffer, room: Room, trailing: 'error' | 'ignore' = 'error'): Decoded {
  const out = new StreamOutput(room);
  const cmf = input[0] ?? 0;
  const flg = input[1] ?? 0;
  if (input.length < 2 || (cmf & 0x0f) !== 8 || cmf >> 4 > 7 || ((cmf << 8) | flg) % 31 !== 0) throw new ModelgateError('MALFORMED', 'zlib header is invalid');
  if (flg & 0x20) throw new ModelgateError('MALFORMED', 'zlib stream needs a preset dictionary');
  const r = inflateRaw(input.subarray(2), room.bytes, () => out.overflow('zlib data'), room.ratio, 'zlib data');
  out.push(r.data);
  if (r.error) return out.done(new ModelgateError(r.error.code, `zlib stream: ${r.error.message}`, { cause: r.error, offset: 2 }));
  const trailer = 2 + r.consumed;
  if (trailer + 4 > input.length) return out.done(new ModelgateError('TRUNCATED', 'zlib stream ends before its Adler-32 checksum', { offset: trailer }));
  if (adler32(r.data) !== input.readUInt32BE(trailer))
    return out.done(new ModelgateError('MALFORMED', 'zlib stream fails its Adler-32 check', { offset: trailer }));
  if (trailing === 'error' && trailer + 4 < input.length)
    return out.done(new ModelgateError('MALFORMED', `${input.length - trailer - 4} bytes after the zlib stream`, { offset: trailer + 4 }));
  return out.done();
}
