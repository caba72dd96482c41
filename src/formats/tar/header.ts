import { ModelgateError } from '../../core/errors.js';

/** Size of a tar header and of the blocks data is padded to (POSIX.1-1988 ustar). */
export const BLOCK = 512;

/** NUL-terminated text field (Lib/tarfile.py `nts`). */
export function field(block: Buffer, start: number, length: number): string {
  const raw = block.subarray(start, start + length);
  const nul = raw.indexOf(0);
  return raw.subarray(0, nul < 0 ? raw.length : nul).toString('utf8');
}

/**
 * What Python's `int(text, 8)` accepts after `str.strip()`: an optional sign, an optional `0o`
 * prefix and digits with single underscores between them. Python's tarfile, and so torch.load,
 * reads numbers this way, so a scanner that wanted plain digits would lose the archive.
 */
const PY_OCTAL = /^([+-]?)(?:0[oO]_?)?([0-7](?:_?[0-7])*)$/;
/** The ASCII characters `str.strip()` removes. */
const PY_SPACE = /^[\t\n\v\f\r\x1c-\x1f ]+|[\t\n\v\f\r\x1c-\x1f ]+$/g;

/**
 * A numeric header field as Lib/tarfile.py `nti` reads it: base-256 when the first byte is
 * 0x80 (positive) or 0xff (negative, GNU), else octal ASCII text up to the first NUL.
 * Throws MALFORMED where tarfile raises InvalidHeaderError.
 */
export function tarNumber(block: Buffer, start: number, length: number): number {
  const first = block[start];
  if (first === 0x80 || first === 0xff) {
    let v = 0n;
    for (let i = 1; i < length; i++) v = (v << 8n) | BigInt(block[start + i]!);
    if (first === 0xff) v -= 256n ** BigInt(length - 1);
    if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < -BigInt(Number.MAX_SAFE_INTEGER)) throw new ModelgateError('MALFORMED', `tar number ${v} is absurd`);
    return Number(v);
  }
  const raw = block.subarray(start, start + length);
  const nul = raw.indexOf(0);
  const bytes = raw.subarray(0, nul < 0 ? raw.length : nul);
  if (bytes.some((b) => b > 0x7f)) throw new ModelgateError('MALFORMED', 'tar number field is not ASCII');
  const text = bytes.toString('latin1').replace(PY_SPACE, '');
  if (text === '') return 0;
  const m = PY_OCTAL.exec(text);
  if (!m) throw new ModelgateError('MALFORMED', `tar number field ${JSON.stringify(text)} is not octal`);
  const v = parseInt(m[2]!.replace(/_/g, ''), 8);
  if (!Number.isSafeInteger(v)) throw new ModelgateError('MALFORMED', `tar number ${text} is absurd`);
  return m[1] === '-' ? -v : v;
}

/**
 * Lib/tarfile.py `calc_chksums`: the sum of the header's bytes with the checksum field taken
 * as eight spaces, both as unsigned and as signed chars (some old tars summed signed chars).
 */
export function checksums(block: Buffer): [number, number] {
  let unsigned = 256;
  let signed = 256;
  for (let i = 0; i < BLOCK; i++) {
    if (i >= 148 && i < 156) continue;
    const b = block[i]!;
    unsigned += b;
    signed += b < 128 ? b : b - 256;
  }
  return [unsigned, signed];
}

/** Offsets and lengths of the numeric fields tarfile's `frombuf` reads (mode ... devminor). */
const NUMBER_FIELDS: ReadonlyArray<[number, number]> = [
  [100, 8],
  [108, 8],
  [116, 8],
  [124, 12],
  [136, 8],
  [329, 8],
  [337, 8],
];

/**
 * True when a 512-byte block is a tar header Python's tarfile would accept: its checksum
 * field matches one of the two sums and every numeric field reads, with a size of zero or
 * more. The `ustar` magic is not needed: V7 tars have none and tarfile (so torch.load) reads
 * them. A block of random bytes or text passes the checksum by chance about once in 10^12.
 */
export function isTarHeader(block: Buffer): boolean {
  if (block.length < BLOCK || block.subarray(0, BLOCK).every((b) => b === 0)) return false;
  try {
    const sum = tarNumber(block, 148, 8);
    if (!checksums(block).includes(sum)) return false;
    for (const [start, length] of NUMBER_FIELDS) tarNumber(block, start, length);
    return tarNumber(block, 124, 12) >= 0;
  } catch {
    return false;
  }
}
