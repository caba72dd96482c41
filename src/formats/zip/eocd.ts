import type { ByteSource } from '../../core/byte-source.js';

// End-of-central-directory record (APPNOTE 4.3.16): signature, 18 bytes of fields, comment.
export const EOCD_SIG = 0x06054b50;
export const EOCD_SIZE = 22;
/** The longest comment a 16-bit length can declare. */
const MAX_COMMENT = 0xffff;
/**
 * How far back miniz (PyTorch's zip reader) may look: it scans 4 KiB blocks from the end and
 * gives up only after a block that starts 64 KiB + 22 bytes back, so it can see up to one
 * block further than the comment limit alone allows (miniz_zip.c, mz_zip_reader_locate_header_sig).
 */
const SEARCH_BYTES = EOCD_SIZE + MAX_COMMENT + 4096;

/** One end record some real reader picks, and which readers pick it. */
export interface EndRecord {
  offset: number;
  readers: string[];
  /** Its comment fits in the file: the record a careful reader takes. */
  strict: boolean;
}

/** Readers that take the last signature with a whole record after it, whatever the comment length says. */
const LENIENT = 'CPython zipfile (numpy, Keras) and miniz (PyTorch)';
/** Readers that skip a record whose comment would run past the end of the file. */
const STRICT = 'readers that check the comment length (Go archive/zip, yauzl)';

/**
 * The end records real loaders would use. Readers disagree when a signature's comment length
 * runs past the end of the file: CPython's `_EndRecData` takes the last signature in the final
 * 64 KiB + 22 bytes (`rfind`) and only slices the comment, and miniz takes the last signature
 * with 22 bytes after it, while stricter readers skip such a record and keep searching back.
 * A scanner that keeps only one reading misses the members listed by the other, so every
 * distinct record is returned, the lenient reading first.
 */
export function findEndRecords(source: ByteSource): EndRecord[] {
  const start = Math.max(0, source.size - SEARCH_BYTES);
  const tail = source.read(start, source.size - start);
  let lenient: number | undefined;
  let strict: number | undefined;
  // The record must fit whole: CPython returns nothing and miniz searches on when it does not.
  for (let i = tail.length - EOCD_SIZE; i >= 0 && strict === undefined; i--) {
    if (tail.readUInt32LE(i) !== EOCD_SIG) continue;
    lenient ??= i;
    const commentFits = i + EOCD_SIZE + tail.readUInt16LE(i + 20) <= tail.length;
    // A stricter reader looks back no further than the longest comment allows.
    if (commentFits && tail.length - i <= EOCD_SIZE + MAX_COMMENT) strict = i;
  }
  const records: EndRecord[] = [];
  if (lenient !== undefined) records.push({ offset: start + lenient, readers: [LENIENT], strict: lenient === strict });
  if (strict !== undefined) {
    if (strict === lenient) records[0]?.readers.push(STRICT);
    else records.push({ offset: start + strict, readers: [STRICT], strict: true });
  }
  return records;
}
