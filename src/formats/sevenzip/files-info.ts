import { ByteReader } from '../../core/byte-reader.js';
import { ModelgateError } from '../../core/errors.js';
import { BitField, NID, readBitField, readNumber, readOptionalBitField } from './fields.js';
import type { FileRecord } from './model.js';

/** Windows FILE_ATTRIBUTE_DIRECTORY, as stored in kWinAttributes. */
const ATTRIBUTE_DIRECTORY = 0x10;

/** What FilesInfo parsing produced, including how far it got. */
export interface FilesInfo {
  /** Declared NumFiles (may exceed `files.length` when the entry limit cut the list). */
  numFiles: number;
  files: FileRecord[];
}

/**
 * 7zFormat.txt "FilesInfo": NumFiles, then properties (type, size, data) up to a zero type.
 * `numStreams` is the count of substreams in MainStreamsInfo. Only the first `maxFiles` records
 * are materialised; bit vectors are kept as views, so a huge NumFiles costs no per-file
 * allocation. `out.files` is filled as properties are read, so a caller that catches an error
 * still has every name read before the break.
 */
export function readFilesInfo(reader: ByteReader, maxFiles: number, numStreams: number, out: FilesInfo): void {
  const at = reader.pos;
  const numFiles = readNumber(reader);
  // Every file has a stream or a kEmptyStream bit, so the header bounds a plausible count.
  if (numFiles > numStreams + 8 * reader.remaining) {
    throw new ModelgateError('MALFORMED', `7z header declares ${numFiles} files, more than it can describe`, { offset: at });
  }
  out.numFiles = numFiles;
  const listed = Math.min(out.numFiles, maxFiles);
  for (let i = 0; i < listed; i++) out.files.push({ hasStream: true, isDir: false });
  let emptyStream = BitField.allSet(0);
  for (;;) {
    const type = readNumber(reader);
    if (type === NID.kEnd) break;
    const size = readNumber(reader);
    // Each property is read through its own bounded reader, so a bad one cannot overrun the next.
    const start = reader.pos;
    reader.skip(size);
    const prop = new ByteReader(reader.source, start, start + size);
    // Properties are applied as soon as they are read, so a later break keeps them.
    switch (type) {
      case NID.kEmptyStream:
        emptyStream = readBitField(prop, out.numFiles);
        // An empty-stream file is a directory unless kEmptyFile says otherwise (7-Zip's
        // CInArchive::ReadHeader).
        out.files.forEach((file, i) => {
          file.hasStream = !emptyStream.get(i);
          file.isDir = !file.hasStream;
        });
        break;
      case NID.kEmptyFile:
        applyEmptyFile(readBitField(prop, emptyStream.count()), out.files);
        break;
      case NID.kName:
        readNames(prop, out.files);
        break;
      case NID.kWinAttributes:
        readAttributes(prop, out.numFiles, out.files);
        break;
      default:
        // kAnti, kCTime/kATime/kMTime, kStartPos, kDummy and unknown ids: their size lets us skip.
        break;
    }
  }
}

/** kEmptyFile: one bit per empty-stream file (not per file): set for an empty regular file. */
function applyEmptyFile(emptyFile: BitField, files: FileRecord[]): void {
  let emptyIndex = 0;
  for (const file of files) {
    if (file.hasStream) continue;
    file.isDir = !emptyFile.get(emptyIndex++) || ((file.attributes ?? 0) & ATTRIBUTE_DIRECTORY) !== 0;
  }
}

/** kName: External byte (must be 0), then each name as UTF-16LE ending in a 0 wchar. */
function readNames(prop: ByteReader, files: FileRecord[]): void {
  if (prop.u8() !== 0) throw new ModelgateError('UNSUPPORTED', 'file names stored in an external data stream', { offset: prop.pos - 1 });
  for (const file of files) {
    const start = prop.pos;
    // Find the terminating 0 wchar first; u16le's TRUNCATED bounds a name to its property.
    while (prop.u16le() !== 0);
    const length = prop.pos - 2 - start;
    prop.pos = start;
    file.name = prop.bytes(length).toString('utf16le');
    prop.skip(2);
  }
}

/** kWinAttributes: AllAreDefined / BitField, External byte, then a UINT32 per defined file. */
function readAttributes(prop: ByteReader, numFiles: number, files: FileRecord[]): void {
  const defined = readOptionalBitField(prop, numFiles);
  if (prop.u8() !== 0) throw new ModelgateError('UNSUPPORTED', 'attributes stored in an external data stream', { offset: prop.pos - 1 });
  for (let i = 0; i < files.length; i++) {
    if (!defined.get(i)) continue;
    const file = files[i]!;
    file.attributes = prop.u32le();
    if (!file.hasStream && (file.attributes & ATTRIBUTE_DIRECTORY) !== 0) file.isDir = true;
  }
}
