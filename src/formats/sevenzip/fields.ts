import type { ByteReader } from '../../core/byte-reader.js';
import { ModelgateError } from '../../core/errors.js';

/** Property ids of 7zFormat.txt "Property IDs". */
export const NID = {
  kEnd: 0x00,
  kHeader: 0x01,
  kArchiveProperties: 0x02,
  kAdditionalStreamsInfo: 0x03,
  kMainStreamsInfo: 0x04,
  kFilesInfo: 0x05,
  kPackInfo: 0x06,
  kUnPackInfo: 0x07,
  kSubStreamsInfo: 0x08,
  kSize: 0x09,
  kCRC: 0x0a,
  kFolder: 0x0b,
  kCodersUnPackSize: 0x0c,
  kNumUnPackStream: 0x0d,
  kEmptyStream: 0x0e,
  kEmptyFile: 0x0f,
  kAnti: 0x10,
  kName: 0x11,
  kWinAttributes: 0x15,
  kEncodedHeader: 0x17,
  kDummy: 0x19,
} as const;

/**
 * 7zFormat.txt "UINT64": the count of leading 1 bits of the first byte says how many
 * little-endian bytes follow; the first byte's remaining low bits are the top of the value.
 * Values past 2^53 come back rounded, which is harmless: every caller compares sizes and counts
 * against limits or the file size before using them.
 */
export function readNumber(reader: ByteReader): number {
  const first = reader.u8();
  let mask = 0x80;
  let value = 0;
  for (let i = 0; i < 8; i++) {
    if ((first & mask) === 0) return value + (first & (mask - 1)) * 2 ** (8 * i);
    value += reader.u8() * 2 ** (8 * i);
    mask >>= 1;
  }
  return value;
}

/** A count that must fit in memory-sized loops: at most `max`, else MALFORMED. */
export function readCount(reader: ByteReader, max: number, what: string): number {
  const at = reader.pos;
  const n = readNumber(reader);
  if (n > max) throw new ModelgateError('MALFORMED', `${what} count ${n} exceeds ${max}`, { offset: at });
  return n;
}

/** The next property id, expected to be `id`; MALFORMED otherwise. */
export function expectId(reader: ByteReader, id: number, what: string): void {
  const at = reader.pos;
  const got = readNumber(reader);
  if (got !== id) {
    throw new ModelgateError('MALFORMED', `expected ${what} (0x${id.toString(16)}), found 0x${got.toString(16)}`, { offset: at });
  }
}

/** `id`, just read, must be kEnd: the structure `where` allows nothing else at this point. */
export function expectEnd(reader: ByteReader, id: number, where: string): void {
  if (id !== NID.kEnd) {
    throw new ModelgateError('MALFORMED', `unexpected property 0x${id.toString(16)} in ${where}`, { offset: reader.pos });
  }
}

/** 7zFormat.txt "BitField": one bit per item, most significant bit first, read as a view. */
export class BitField {
  constructor(
    private readonly bytes: Buffer | undefined,
    readonly length: number,
  ) {}

  /** All bits set (the "AllAreDefined" shortcut). */
  static allSet(length: number): BitField {
    return new BitField(undefined, length);
  }

  get(i: number): boolean {
    if (i < 0 || i >= this.length) return false;
    if (this.bytes === undefined) return true;
    return ((this.bytes[i >> 3]! >> (7 - (i & 7))) & 1) === 1;
  }

  /** Number of set bits, counted over the stored bytes (no per-item loop). */
  count(): number {
    if (this.bytes === undefined) return this.length;
    let n = 0;
    const full = this.length >> 3;
    for (let i = 0; i < full; i++) n += popcount8(this.bytes[i]!);
    for (let i = full * 8; i < this.length; i++) if (this.get(i)) n++;
    return n;
  }
}

function popcount8(b: number): number {
  let n = 0;
  for (let v = b; v !== 0; v &= v - 1) n++;
  return n;
}

/** A BitField of `length` bits; the bytes are bounded by the reader, so a huge count is TRUNCATED. */
export function readBitField(reader: ByteReader, length: number): BitField {
  return new BitField(reader.bytes(Math.ceil(length / 8)), length);
}

/** 7zFormat.txt "BitField" preceded by an AllAreDefined byte (used by Digests and attributes). */
export function readOptionalBitField(reader: ByteReader, length: number): BitField {
  const allDefined = reader.u8();
  return allDefined !== 0 ? BitField.allSet(length) : readBitField(reader, length);
}

/** 7zFormat.txt "Digests": which items have a CRC, then a UINT32 for each of those. */
export function readDigests(reader: ByteReader, length: number): (number | undefined)[] {
  const defined = readOptionalBitField(reader, length);
  const crcs: (number | undefined)[] = [];
  // Each defined CRC takes 4 bytes, so a forged length hits TRUNCATED after the header ends.
  for (let i = 0; i < length; i++) crcs.push(defined.get(i) ? reader.u32le() : undefined);
  return crcs;
}
