import { ByteReader } from '../../core/byte-reader.js';
import type { ByteSource } from '../../core/byte-source.js';
import { ModelgateError } from '../../core/errors.js';
import type { Limits } from '../../core/limits.js';
import type { EndRecord } from './eocd.js';
import { applyZip64, CENTRAL_SIG, decodeName, LOCAL_SIG, ZIP64_EOCD_SIG, ZIP64_LOCATOR_SIG } from './fields.js';
import type { ZipEntry } from './model.js';

/** ZIP64 end record (56 bytes without extensible data) plus its locator (20): APPNOTE 4.3.14-4.3.15. */
const ZIP64_TAIL = 56 + 20;

/** Where one reader looks for the central directory, and how it shifts the offsets listed there. */
export interface CentralReading {
  /** Says where, and which readers look there, for messages. */
  label: string;
  start: number;
  /** Added to every local-header offset: CPython's `concat` for bytes before the archive. */
  shift: number;
  /** Entry count of the end record: miniz reads this many. */
  count: number;
  /** Directory size of the end record: CPython reads entries until it is used up. */
  size: number;
  /** Why the end record describes a multi-disk archive, when it does. */
  spanned?: string;
}

/** The entries one reading lists, and why it stopped early, if it did. */
export interface CentralResult {
  entries: ZipEntry[];
  broken?: string;
  /** The end record disagrees with the directory it names (count or size): loaders list different entries or refuse. */
  defect?: string;
}

const message = (e: unknown): string => (e instanceof Error ? e.message : String(e));

interface DirectoryFields {
  count: number;
  size: number;
  offset: number;
  /** Why the fields describe a spanned (multi-disk) archive, when they do. */
  spanned?: string;
}

/** Count, size and offset of a ZIP64 end record (APPNOTE 4.3.14) at `at`, if one is there. */
function zip64Fields(source: ByteSource, at: number): DirectoryFields | undefined {
  if (at < 0) return undefined;
  const z = new ByteReader(source, at);
  if (z.remaining < 56 || z.u32le() !== ZIP64_EOCD_SIG) return undefined;
  z.skip(8 + 2 + 2);
  const disk = z.u32le();
  const directoryDisk = z.u32le();
  const onThisDisk = z.u64le();
  const fields: DirectoryFields = { count: z.u64le(), size: z.u64le(), offset: z.u64le() };
  if (disk !== 0 || directoryDisk !== 0 || onThisDisk !== fields.count)
    fields.spanned = `the ZIP64 end record says disk ${disk}, directory on disk ${directoryDisk}, ${onThisDisk} of ${fields.count} entries on this disk: a spanned archive loaders refuse`;
  return fields;
}

/**
 * The central directories readers find from one end record. miniz, Go and yauzl read at the
 * declared offset, taking the ZIP64 end record from where the locator points. CPython's
 * `_RealGetContents` instead takes the directory to end where the end record starts (or the
 * ZIP64 end record, which `_EndRecData64` assumes sits right before the 20-byte locator) and
 * adds the difference (`concat`) to every local offset, so that archives with bytes prepended
 * still open. When the two places differ, both are read.
 */
export function centralReadings(source: ByteSource, record: EndRecord): CentralReading[] {
  const r = new ByteReader(source, record.offset + 4);
  const disk = r.u16le();
  const directoryDisk = r.u16le();
  const onThisDisk = r.u16le();
  const plain: DirectoryFields = { count: r.u16le(), size: r.u32le(), offset: r.u32le() };
  // A multi-disk (spanned) archive: miniz reads one disk only and refuses these.
  let spanned =
    disk !== 0 || directoryDisk !== 0 ? `the end record says disk ${disk}, directory on disk ${directoryDisk}: a spanned archive miniz refuses` : undefined;
  const overflow = plain.count === 0xffff || plain.size === 0xffffffff || plain.offset === 0xffffffff;
  // Both readers look for a ZIP64 locator just before the end record (APPNOTE 4.3.15).
  let located: DirectoryFields | undefined;
  let pointed: DirectoryFields | undefined;
  if (record.offset >= 20) {
    const loc = new ByteReader(source, record.offset - 20);
    if (loc.u32le() === ZIP64_LOCATOR_SIG) {
      const recordDisk = loc.u32le();
      const at = loc.u64le();
      const disks = loc.u32le();
      pointed = zip64Fields(source, at);
      located = zip64Fields(source, record.offset - ZIP64_TAIL);
      // _EndRecData64 refuses a locator on another disk or of several; miniz reads the record
      // where the locator points and refuses the archive when none is there.
      // (_EndRecData64 wants disk 0 of at most 1, miniz exactly 1 disk.)
      if (recordDisk !== 0 || disks !== 1) spanned ??= `the ZIP64 locator says disk ${recordDisk} of ${disks}: a spanned archive loaders refuse`;
      else if (!pointed) spanned ??= `the ZIP64 locator points at ${at}, where no ZIP64 end record is: miniz refuses the archive`;
      spanned ??= (pointed ?? located)?.spanned;
    }
  }
  if (overflow && !pointed) throw new ModelgateError('MALFORMED', 'ZIP64 end record missing');
  if (!pointed && onThisDisk !== plain.count)
    spanned ??= `the end record puts ${onThisDisk} of its ${plain.count} entries on this disk: miniz refuses the archive`;
  const declared = pointed ?? plain;
  const who = record.readers.join('; ');
  const readings: CentralReading[] = [
    {
      label: `the central directory at ${declared.offset} named by the end record at ${record.offset} (${who})`,
      start: declared.offset,
      shift: 0,
      ...declared,
      spanned,
    },
  ];
  const cpython = located ?? plain;
  const start = record.offset - cpython.size - (located ? ZIP64_TAIL : 0);
  if (start >= 0 && start !== declared.offset) {
    readings.push({
      label: `the central directory at ${start}, where CPython zipfile places it from the end record at ${record.offset} (declared at ${cpython.offset})`,
      start,
      shift: start - cpython.offset,
      ...cpython,
      spanned,
    });
  }
  return readings;
}

/** Reads the local header at `entry.localOffset`, filling its name, flags and data offset. */
function readLocal(source: ByteSource, entry: ZipEntry): void {
  const r = new ByteReader(source, entry.localOffset);
  try {
    if (r.u32le() !== LOCAL_SIG) throw new Error('no local header signature');
    r.skip(2);
    const flags = r.u16le();
    r.skip(2 + 4 + 4 + 4 + 4);
    const nameLength = r.u16le();
    const extraLength = r.u16le();
    entry.localName = decodeName(r.bytes(nameLength), flags);
    r.skip(extraLength);
    if (flags !== entry.flags) entry.localFlags = flags;
    entry.dataOffset = r.pos;
  } catch (e) {
    entry.localError = message(e);
  }
}

/**
 * Reads one central directory (APPNOTE 4.3.12). Entries are read while either reader would go
 * on: miniz stops after the end record's count, CPython when the declared size is used up.
 * A missing entry within the count is a break (miniz refuses the archive); the entries before
 * it are still returned.
 */
export function readCentral(source: ByteSource, reading: CentralReading, limits: Limits): CentralResult {
  if (reading.count > limits.maxArchiveEntries) {
    throw new ModelgateError('LIMIT_ENTRIES', `zip declares ${reading.count} entries, over the limit of ${limits.maxArchiveEntries}`);
  }
  const entries: ZipEntry[] = [];
  const c = new ByteReader(source, reading.start);
  for (let i = 0; i < reading.count || c.pos - reading.start < reading.size; i++) {
    const at = c.pos;
    try {
      if (c.u32le() !== CENTRAL_SIG) throw new Error('has no signature');
      c.skip(2);
      const versionNeeded = c.u16le();
      const flags = c.u16le();
      const method = c.u16le();
      c.skip(4);
      const crc32 = c.u32le();
      const sizes = { compressedSize: c.u32le(), uncompressedSize: c.u32le(), localOffset: 0 };
      const nameLength = c.u16le();
      const extraLength = c.u16le();
      const commentLength = c.u16le();
      const diskStart = c.u16le();
      c.skip(2 + 4);
      sizes.localOffset = c.u32le();
      const name = decodeName(c.bytes(nameLength), flags);
      applyZip64(c.bytes(extraLength), sizes);
      c.skip(commentLength);
      sizes.localOffset += reading.shift;
      const entry: ZipEntry = { name, method, flags, crc32, ...sizes, versionNeeded, diskStart, origin: 'central' };
      readLocal(source, entry);
      entries.push(entry);
    } catch (e) {
      if (e instanceof ModelgateError && e.code.startsWith('LIMIT_')) throw e;
      // Past the count only CPython reads on, and it refuses the archive here: nothing more to list.
      if (i >= reading.count)
        return { entries, defect: `central directory entry ${i} at ${at}, within the declared size but past the count of ${reading.count}, ${message(e)}` };
      return { entries, broken: `central directory entry ${i} of ${reading.count} at ${at} ${message(e)}` };
    }
    if (entries.length > limits.maxArchiveEntries) throw new ModelgateError('LIMIT_ENTRIES', `zip has more than ${limits.maxArchiveEntries} entries`);
  }
  const consumed = c.pos - reading.start;
  if (entries.length !== reading.count || consumed !== reading.size) {
    // miniz reads the count and checks the size against it; CPython reads by the size alone:
    // when the two disagree with the directory, the readers list different entries, or refuse.
    const extra = entries.length - reading.count;
    const defect =
      extra > 0
        ? `${extra} entries lie past the end record's count of ${reading.count}: CPython zipfile lists them, miniz does not`
        : `the end record declares ${reading.count} entries in ${reading.size} bytes, but the directory holds ${entries.length} in ${consumed}`;
    return { entries, defect };
  }
  return { entries };
}
