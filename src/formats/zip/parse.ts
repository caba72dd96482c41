import { ByteReader } from '../../core/byte-reader.js';
import type { ByteSource } from '../../core/byte-source.js';
import { ModelgateError } from '../../core/errors.js';
import type { Limits } from '../../core/limits.js';
import type { ZipArchive, ZipEntry } from './model.js';

// Signatures from PKWARE's APPNOTE.TXT (sections 4.3.7, 4.3.12, 4.3.14-4.3.16).
const LOCAL_SIG = 0x04034b50;
const CENTRAL_SIG = 0x02014b50;
const EOCD_SIG = 0x06054b50;
const ZIP64_LOCATOR_SIG = 0x07064b50;
const ZIP64_EOCD_SIG = 0x06064b50;
const DESCRIPTOR_SIG = 0x08074b50;
/** EOCD (22 bytes) plus the longest comment (65535). */
const EOCD_SEARCH = 22 + 0xffff;

/** True when the bytes begin like a zip: a local header or an empty archive's EOCD. */
export function isZipHead(head: Buffer): boolean {
  return head.length >= 4 && head[0] === 0x50 && head[1] === 0x4b && ((head[2] === 3 && head[3] === 4) || (head[2] === 5 && head[3] === 6));
}

/** Offset of the end-of-central-directory record, searching back from the end. */
export function findEocd(source: ByteSource): number | undefined {
  const start = Math.max(0, source.size - EOCD_SEARCH);
  const tail = source.read(start, source.size - start);
  for (let i = tail.length - 22; i >= 0; i--) {
    if (tail.readUInt32LE(i) === EOCD_SIG && i + 22 + tail.readUInt16LE(i + 20) <= tail.length) return start + i;
  }
  return undefined;
}

function decodeName(raw: Buffer, flags: number): string {
  // Bit 11: UTF-8 names; otherwise CP437, whose printable ASCII half is what real archives use.
  return flags & 0x800 ? raw.toString('utf8') : raw.toString('latin1');
}

/** Applies the ZIP64 extended-information extra field (APPNOTE 4.5.3) where fields overflowed. */
function applyZip64(extra: Buffer, e: { compressedSize: number; uncompressedSize: number; localOffset: number }): void {
  for (let p = 0; p + 4 <= extra.length; ) {
    const id = extra.readUInt16LE(p);
    const len = extra.readUInt16LE(p + 2);
    if (id === 0x0001) {
      let q = p + 4;
      const take = (): number => {
        if (q + 8 > p + 4 + len || q + 8 > extra.length) throw new ModelgateError('MALFORMED', 'short ZIP64 extra field');
        const v = extra.readBigUInt64LE(q);
        q += 8;
        if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new ModelgateError('MALFORMED', `ZIP64 size ${v} is absurd`);
        return Number(v);
      };
      if (e.uncompressedSize === 0xffffffff) e.uncompressedSize = take();
      if (e.compressedSize === 0xffffffff) e.compressedSize = take();
      if (e.localOffset === 0xffffffff) e.localOffset = take();
      return;
    }
    p += 4 + len;
  }
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
    entry.localError = e instanceof Error ? e.message : String(e);
  }
}

function readCentral(source: ByteSource, eocd: number, limits: Limits, archive: ZipArchive): void {
  const r = new ByteReader(source, eocd + 4);
  r.skip(6);
  let count = r.u16le();
  let size = r.u32le();
  let offset = r.u32le();
  if (count === 0xffff || size === 0xffffffff || offset === 0xffffffff) {
    // ZIP64: the locator sits just before the EOCD (APPNOTE 4.3.15).
    const loc = new ByteReader(source, eocd - 20);
    if (eocd >= 20 && loc.u32le() === ZIP64_LOCATOR_SIG) {
      loc.skip(4);
      const z = new ByteReader(source, loc.u64le());
      if (z.u32le() !== ZIP64_EOCD_SIG) throw new ModelgateError('MALFORMED', 'ZIP64 end record missing');
      z.skip(8 + 2 + 2 + 4 + 4 + 8);
      count = z.u64le();
      size = z.u64le();
      offset = z.u64le();
    }
  }
  if (count > limits.maxArchiveEntries) {
    throw new ModelgateError('LIMIT_ENTRIES', `zip declares ${count} entries, over the limit of ${limits.maxArchiveEntries}`);
  }
  archive.centralOffset = offset;
  const c = new ByteReader(source, offset, Math.min(source.size, offset + size + 1024));
  for (let i = 0; i < count; i++) {
    const at = c.pos;
    if (c.u32le() !== CENTRAL_SIG) {
      archive.centralBreak = `central directory entry ${i} of ${count} at ${at} has no signature`;
      break;
    }
    c.skip(4);
    const flags = c.u16le();
    const method = c.u16le();
    c.skip(4);
    const crc32 = c.u32le();
    const entry = { compressedSize: c.u32le(), uncompressedSize: c.u32le(), localOffset: 0 };
    const nameLength = c.u16le();
    const extraLength = c.u16le();
    const commentLength = c.u16le();
    c.skip(2 + 2 + 4);
    entry.localOffset = c.u32le();
    const name = decodeName(c.bytes(nameLength), flags);
    applyZip64(c.bytes(extraLength), entry);
    c.skip(commentLength);
    const zipEntry: ZipEntry = { name, method, flags, crc32, ...entry, origin: 'central' };
    readLocal(source, zipEntry);
    archive.entries.push(zipEntry);
  }
}

/**
 * Walks local headers from the start of the file, as a streaming reader would, and adds the
 * entries the central directory does not list (APPNOTE 4.3.6 order: header, data, descriptor).
 */
function walkLocal(source: ByteSource, limits: Limits, archive: ZipArchive): void {
  const known = new Map(archive.entries.map((e) => [e.localOffset, e]));
  let pos = 0;
  const stopAt = archive.centralOffset ?? source.size;
  while (pos + 30 <= stopAt && archive.entries.length <= limits.maxArchiveEntries) {
    const r = new ByteReader(source, pos);
    if (r.u32le() !== LOCAL_SIG) break;
    r.skip(2);
    const flags = r.u16le();
    const method = r.u16le();
    r.skip(4);
    const crc32 = r.u32le();
    let compressedSize = r.u32le();
    const uncompressedSize = r.u32le();
    const nameLength = r.u16le();
    const extraLength = r.u16le();
    const name = decodeName(r.bytes(nameLength), flags);
    r.skip(extraLength);
    const dataOffset = r.pos;
    const central = known.get(pos);
    if (central) compressedSize = central.compressedSize;
    else if (flags & 0x8 && compressedSize === 0) {
      archive.problems.push(`local entry ${name} at ${pos} has a data descriptor and no size; the walk stops there`);
      break;
    }
    if (!central) {
      archive.entries.push({ name, localName: name, method, flags, crc32, compressedSize, uncompressedSize, localOffset: pos, dataOffset, origin: 'local-only' });
    }
    pos = dataOffset + compressedSize;
    if (flags & 0x8) {
      // Data descriptor: optional signature, CRC, then 4- or 8-byte sizes (APPNOTE 4.3.9).
      const d = new ByteReader(source, pos);
      pos += d.remaining >= 4 && d.u32le() === DESCRIPTOR_SIG ? 16 : 12;
    }
  }
}

/**
 * Reads a zip's central directory and every local header, tolerating what loaders tolerate:
 * bad CRCs, headers that disagree, flags that claim encryption. A walk of local headers from
 * the start adds entries the central directory hides. Own code rather than a library because
 * a scanner must keep both readings where libraries pick one and refuse the rest.
 */
export function readZip(source: ByteSource, limits: Limits): ZipArchive {
  const archive: ZipArchive = { entries: [], problems: [] };
  const eocd = findEocd(source);
  if (eocd === undefined) archive.centralBreak = 'no end-of-central-directory record (the file is cut short or not a zip); entries come from local headers only';
  else {
    try {
      readCentral(source, eocd, limits, archive);
    } catch (e) {
      if (e instanceof ModelgateError && e.code === 'LIMIT_ENTRIES') throw e;
      archive.centralBreak = `central directory: ${e instanceof Error ? e.message : String(e)}`;
    }
  }
  try {
    walkLocal(source, limits, archive);
  } catch (e) {
    archive.problems.push(`local header walk: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (archive.entries.length > limits.maxArchiveEntries) {
    throw new ModelgateError('LIMIT_ENTRIES', `zip has more than ${limits.maxArchiveEntries} entries`);
  }
  return archive;
}
