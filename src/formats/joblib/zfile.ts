import { ModelgateError } from '../../core/errors.js';

/**
 * joblib's "Z-file" of versions before 0.10 (joblib/numpy_pickle_compat.py read_zfile): the
 * prefix `ZF`, the uncompressed length as hex (`hex_str`, "0x..."), left-justified in
 * len(hex(2**64)) = 19 characters, then a zlib stream. Python 2 era joblib (<= 0.8.4) wrote
 * one more space, which read_zfile skips when the next byte is a space.
 */
export const ZFILE_PREFIX = 'ZF';
const LENGTH_FIELD = 19;

/**
 * The length field as `int(field, 16)` reads it: surrounding whitespace, an optional sign, an
 * optional `0x`, hex digits with single underscores between them. Undefined when Python would
 * raise ValueError (and joblib would load nothing).
 */
export function parseHexLength(field: string): bigint | undefined {
  const m = /^[ \t\n\r\v\f]*([+-]?)(?:0[xX]_?)?([0-9a-fA-F]+(?:_[0-9a-fA-F]+)*)[ \t\n\r\v\f]*$/.exec(field);
  if (!m) return undefined;
  const value = BigInt(`0x${m[2]!.replace(/_/g, '')}`);
  return m[1] === '-' ? -value : value;
}

/** The parts of a Z-file header. */
export interface ZfileHeader {
  /** The length read_zfile passes to zlib.decompress and asserts the output has. */
  length: bigint;
  /** Where the zlib stream starts. */
  dataStart: number;
}

/** True when the head begins like a Z-file joblib would read (the prefix and a length Python parses). */
export function isZfileHead(head: Buffer): boolean {
  return (
    head.length >= 2 + LENGTH_FIELD &&
    head.toString('latin1', 0, 2) === ZFILE_PREFIX &&
    parseHexLength(head.toString('latin1', 2, 2 + LENGTH_FIELD)) !== undefined
  );
}

/** Reads a Z-file header; throws MALFORMED where read_zfile would raise. */
export function parseZfileHeader(bytes: Buffer): ZfileHeader {
  if (bytes.length < 2 + LENGTH_FIELD || bytes.toString('latin1', 0, 2) !== ZFILE_PREFIX)
    throw new ModelgateError('TRUNCATED', 'joblib Z-file header is cut short');
  const length = parseHexLength(bytes.toString('latin1', 2, 2 + LENGTH_FIELD));
  if (length === undefined) throw new ModelgateError('MALFORMED', 'joblib Z-file length is not a hex number');
  const dataStart = 2 + LENGTH_FIELD + (bytes[2 + LENGTH_FIELD] === 0x20 ? 1 : 0);
  return { length, dataStart };
}
