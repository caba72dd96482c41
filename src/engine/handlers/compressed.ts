import { constants, inflateSync } from 'node:zlib';
import { BufferSource, type ByteSource } from '../../core/byte-source.js';
import { ModelgateError } from '../../core/errors.js';
import { bunzipStreams } from '../../formats/compressed/bzip2.js';
import { gunzipMembers, inflateZlib } from '../../formats/compressed/deflate.js';
import { unlzmaStreams } from '../../formats/compressed/lzma.js';
import { unzstdFrames } from '../../formats/compressed/zstd.js';
import { asDecodeError, type Decoded, type Room } from '../../formats/compressed/output.js';
import { parseZfileHeader } from '../../formats/joblib/zfile.js';
import { decodeLz4Frames } from '../../formats/lz4/frame.js';
import type { ScanContext } from '../context.js';

/** `zf`: joblib's Z-file of versions before 0.10 (a hex length, then zlib). */
export type Compression = 'gzip' | 'bz2' | 'xz' | 'zstd' | 'zlib' | 'lzma' | 'lz4' | 'zf';

/**
 * joblib's old Z-file (numpy_pickle_compat.read_zfile): zlib.decompress reads the stream in
 * one call, so a broken stream hands on nothing, and bytes after it are ignored. The output
 * must have the declared length (an `assert`, which `python -O` drops: a mismatch is read
 * and reported).
 */
function unzfile(input: Buffer, room: Room): Decoded {
  const header = parseZfileHeader(input);
  if (header.length > BigInt(room.bytes)) throw new ModelgateError(room.code, `joblib Z-file declares ${header.length} bytes`);
  const decoded = inflateZlib(input.subarray(header.dataStart), room, 'ignore');
  if (decoded.error) throw decoded.error;
  if (BigInt(decoded.data.length) !== header.length) {
    return {
      data: decoded.data,
      error: new ModelgateError('MALFORMED', `joblib Z-file holds ${decoded.data.length} bytes, not the ${header.length} it declares`),
    };
  }
  return decoded;
}

/**
 * Decompresses a whole file with the room the scan has left, as the most permissive loader
 * reads it: every stream or member that reader goes on to, appended. Each decoder checks the
 * room before and while it inflates, never after.
 */
function decompress(kind: Compression, input: Buffer, room: Room): Decoded {
  try {
    switch (kind) {
      case 'gzip':
        return gunzipMembers(input, room);
      case 'zlib':
        return inflateZlib(input, room);
      case 'zf':
        return unzfile(input, room);
      case 'bz2':
        return bunzipStreams(input, room);
      case 'zstd':
        return unzstdFrames(input, room);
      case 'lz4':
        return decodeLz4Frames(input, room);
      case 'lzma':
      case 'xz':
        return unlzmaStreams(input, room);
    }
  } catch (e) {
    throw asDecodeError(e, `${kind} data`);
  }
}

/**
 * Whether content that begins with a weak magic can be that stream, judged from its first
 * bytes only: a zlib prefix that inflates without error, or an lzma-alone header whose declared
 * size is unknown or plausible. Used before reading a whole file a second way.
 */
export function mayDecode(kind: 'zlib' | 'lzma', head: Buffer): boolean {
  if (kind === 'lzma') {
    if (head.length < 13 || head[0]! >= 225) return false;
    const declared = head.readBigUInt64LE(5);
    return declared === 0xffffffffffffffffn || declared < 1n << 48n;
  }
  try {
    inflateSync(head, { finishFlush: constants.Z_SYNC_FLUSH });
    return true;
  } catch {
    return false;
  }
}

/** Inner formats that say the bytes of a weak magic were not a stream after all. */
const NOT_A_MODEL = new Set(['text', 'json', 'other', 'empty', 'image', 'python', 'jinja']);

/**
 * Scans a compressed wrapper (joblib's compressed files, .gz models...) by what it holds.
 * When the data breaks part-way, what decoded before the break is scanned first (a loader
 * that streams it has unpickled it by then) and the break is a fatal finding. A weak magic
 * (zlib, lzma) whose bytes break before they decode to a model format is thrown instead, so
 * that the registry reads the bytes as whatever else they may be.
 */
export function scanCompressed(kind: Compression, source: ByteSource, ctx: ScanContext): string {
  if (source.size > ctx.limits.maxMemberBytes) throw new ModelgateError('LIMIT_MEMBER_BYTES', `${kind} file of ${source.size} bytes`);
  const decoded = decompress(kind, source.read(0, source.size), ctx.decompressionRoom());
  ctx.chargeDecompressed(decoded.data.length, source.size);
  const weak = kind === 'zlib' || kind === 'lzma';
  if (!decoded.error) return `${ctx.layer().scan(new BufferSource(decoded.data))}-${kind}`;
  if (weak) {
    const found: typeof ctx.findings = [];
    const inner = ctx.layer().withFindings(found).scan(new BufferSource(decoded.data));
    if (NOT_A_MODEL.has(inner)) throw decoded.error;
    ctx.findings.push(...found);
    ctx.fatal(decoded.error, `${kind} data breaks after ${decoded.data.length} bytes`);
    return `${inner}-${kind}`;
  }
  const inner = ctx.layer().scan(new BufferSource(decoded.data));
  ctx.fatal(decoded.error, `${kind} data breaks after ${decoded.data.length} bytes`);
  return `${inner}-${kind}`;
}
