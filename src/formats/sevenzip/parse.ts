import { ByteReader } from '../../core/byte-reader.js';
import { BufferSource, type ByteSource } from '../../core/byte-source.js';
import { ModelgateError } from '../../core/errors.js';
import type { Limits } from '../../core/limits.js';
import { crc32 } from 'node:zlib';
import { asModelgateError, buildEntries } from './entries.js';
import { NID, expectEnd, readNumber } from './fields.js';
import { type FilesInfo, readFilesInfo } from './files-info.js';
import { DecompressBudget } from './folder-decode.js';
import { SIGNATURE_HEADER_SIZE, decodeFolderAt } from './folder-data.js';
import type { SevenZipArchive, StreamsInfo } from './model.js';
import { readStreamsInfo } from './streams-info.js';

export type { SevenZipArchive, SevenZipEntry } from './model.js';

/** 7zFormat.txt "SignatureHeader": kSignature = '7', 'z', 0xBC, 0xAF, 0x27, 0x1C. */
export const SEVENZIP_MAGIC: Buffer = Buffer.from([0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c]);

/**
 * kEncodedHeader levels followed before giving up. 7-Zip writes one; each level is a full
 * decode, so a chain of them is only a way to spend time.
 */
const MAX_ENCODED_HEADER_LEVELS = 4;

/** True when `head` starts with the 7z signature. */
export function isSevenZip(head: Buffer): boolean {
  return head.length >= SEVENZIP_MAGIC.length && head.subarray(0, SEVENZIP_MAGIC.length).equals(SEVENZIP_MAGIC);
}

/** What the header walk has understood so far; kept when it breaks. */
interface HeaderState {
  mainStreams?: StreamsInfo;
  files: FilesInfo;
}

/**
 * Lists a 7z archive and decodes its members (Copy, LZMA, LZMA2 and the x86 BCJ filter, chained
 * as the folder's bind pairs say), never executing anything and never throwing for bad input.
 * A broken or truncated header, an unsupported version and CRC mismatches go to `errors`;
 * entries understood before a break are still returned. Members that cannot be decoded keep
 * their name and size and carry `error`: ENCRYPTED (7zAES), UNSUPPORTED (other coders),
 * LIMIT_* (the `limits`, checked on declared sizes before anything is allocated), MALFORMED or
 * TRUNCATED (bad compressed data).
 */
export function readSevenZip(source: ByteSource, limits: Limits): SevenZipArchive {
  const errors: ModelgateError[] = [];
  const budget = new DecompressBudget(limits);
  const state: HeaderState = { files: { numFiles: 0, files: [] } };
  let complete = false;
  try {
    const header = readNextHeader(source, errors);
    if (header !== undefined) readHeaderChain(source, header, budget, errors, limits, state);
    complete = true;
  } catch (e) {
    errors.push(asModelgateError(e));
  }
  if (state.files.numFiles > limits.maxArchiveEntries) {
    const message = `7z archive declares ${state.files.numFiles} files; only the first ${limits.maxArchiveEntries} are read`;
    errors.push(new ModelgateError('LIMIT_ENTRIES', message));
    complete = false;
  }
  try {
    const entries = buildEntries(source, state.mainStreams, state.files.files, limits, budget, errors, complete);
    return { entries, errors };
  } catch (e) {
    errors.push(asModelgateError(e));
    return { entries: [], errors };
  }
}

/**
 * 7zFormat.txt "SignatureHeader": signature, version, StartHeaderCRC, then StartHeader
 * (NextHeaderOffset, NextHeaderSize, NextHeaderCRC). Returns the raw next header, or undefined
 * for an empty archive.
 */
function readNextHeader(source: ByteSource, errors: ModelgateError[]): Buffer | undefined {
  const reader = new ByteReader(source);
  if (!isSevenZip(reader.bytes(SEVENZIP_MAGIC.length))) {
    throw new ModelgateError('MALFORMED', 'not a 7z archive (bad signature)', { offset: 0 });
  }
  const major = reader.u8();
  reader.u8(); // minor version: 7-Zip accepts any
  if (major !== 0) throw new ModelgateError('UNSUPPORTED', `7z format version ${major}`, { offset: 6 });
  const startHeaderCrc = reader.u32le();
  const startHeaderAt = reader.pos;
  if (crc32(reader.bytes(20)) !== startHeaderCrc) {
    errors.push(new ModelgateError('MALFORMED', '7z start header CRC mismatch', { offset: 8 }));
  }
  reader.pos = startHeaderAt;
  const nextHeaderOffset = reader.u64le();
  const nextHeaderSize = reader.u64le();
  const nextHeaderCrc = reader.u32le();
  if (nextHeaderSize === 0) return undefined;
  const start = SIGNATURE_HEADER_SIZE + nextHeaderOffset;
  if (start + nextHeaderSize > source.size) {
    const message = `7z header (${nextHeaderSize} bytes at ${start}) lies past the end of the ${source.size}-byte file`;
    throw new ModelgateError('TRUNCATED', message, { offset: start });
  }
  const header = new ByteReader(source, start, start + nextHeaderSize).bytes(nextHeaderSize);
  if (crc32(header) !== nextHeaderCrc) errors.push(new ModelgateError('MALFORMED', '7z header CRC mismatch', { offset: start }));
  return header;
}

/**
 * The next header is either a Header or, with kEncodedHeader, a StreamsInfo whose single folder
 * decodes to the real header (7zFormat.txt "HeaderInfo" / "Header").
 */
function readHeaderChain(source: ByteSource, first: Buffer, budget: DecompressBudget, errors: ModelgateError[], limits: Limits, state: HeaderState): void {
  let bytes = first;
  for (let level = 0; ; level++) {
    const reader = new ByteReader(new BufferSource(bytes));
    const id = readNumber(reader);
    if (id === NID.kHeader) return readHeader(reader, limits, state);
    if (id !== NID.kEncodedHeader) throw new ModelgateError('MALFORMED', `7z header starts with property 0x${id.toString(16)}`);
    if (level >= MAX_ENCODED_HEADER_LEVELS) throw new ModelgateError('MALFORMED', '7z encoded headers nested too deep');
    const streams = readStreamsInfo(reader);
    // 7-Zip decodes exactly one folder for the header (CInArchive::ReadAndDecodePackedStreams).
    if (streams.folders.length !== 1) throw new ModelgateError('MALFORMED', `7z encoded header has ${streams.folders.length} folders`);
    try {
      bytes = decodeFolderAt(source, streams, 0, budget);
    } catch (e) {
      const error = asModelgateError(e);
      // An encrypted header (7z -mhe=on) hides even the names.
      throw new ModelgateError(error.code, `7z encoded header: ${error.message}`, { cause: error, offset: error.offset });
    }
    const expected = streams.folders[0]!.unpackCrc;
    if (expected !== undefined && crc32(bytes) !== expected) errors.push(new ModelgateError('MALFORMED', '7z encoded header CRC mismatch'));
  }
}

/**
 * 7zFormat.txt "Header": optional ArchiveProperties, AdditionalStreamsInfo, MainStreamsInfo and
 * FilesInfo, in that order, then kEnd. Results land in `state` as soon as each part is read.
 */
function readHeader(reader: ByteReader, limits: Limits, state: HeaderState): void {
  let id = readNumber(reader);
  if (id === NID.kArchiveProperties) {
    // "ArchiveProperties": (type, size, data) until a zero type; nothing modelgate needs.
    for (let type = readNumber(reader); type !== 0; type = readNumber(reader)) reader.skip(readNumber(reader));
    id = readNumber(reader);
  }
  if (id === NID.kAdditionalStreamsInfo) {
    readStreamsInfo(reader); // only used by "External" data, which modelgate reports UNSUPPORTED
    id = readNumber(reader);
  }
  if (id === NID.kMainStreamsInfo) {
    state.mainStreams = readStreamsInfo(reader);
    id = readNumber(reader);
  }
  if (id === NID.kFilesInfo) {
    readFilesInfo(reader, limits.maxArchiveEntries, state.mainStreams?.subStreams.sizes.length ?? 0, state.files);
    id = readNumber(reader);
  }
  expectEnd(reader, id, '7z header');
}
