import { ByteReader } from '../../core/byte-reader.js';
import type { ByteSource } from '../../core/byte-source.js';
import type { Limits } from '../../core/limits.js';
import { CENTRAL_SIG, DESCRIPTOR_SIG, LOCAL_SIG, applyZip64, decodeName } from './fields.js';
import type { ZipArchive, ZipEntry } from './model.js';

const LOCAL_SIG_BYTES = Buffer.from([0x50, 0x4b, 0x03, 0x04]);
/** Bytes searched at a time when looking for the next local header after junk. */
const RESYNC_CHUNK = 1024 * 1024;

/** Offset of the next local-header signature in [from, end), if any. */
function nextLocalHeader(source: ByteSource, from: number, end: number): number | undefined {
  for (let at = from; at < end; at += RESYNC_CHUNK) {
    // Overlap by 3 bytes so a signature across two chunks is still seen.
    const hit = source.read(at, Math.min(RESYNC_CHUNK + 3, end - at)).indexOf(LOCAL_SIG_BYTES);
    if (hit >= 0) return at + hit;
  }
  return undefined;
}

/** True when a signature any zip structure starts with (local, central, descriptor, end records) is at `pos`. */
function structureAt(source: ByteSource, pos: number, stopAt: number): boolean {
  if (pos === stopAt) return true;
  const b = source.read(pos, 4);
  return b.length === 4 && b[0] === 0x50 && b[1] === 0x4b && [LOCAL_SIG, CENTRAL_SIG, DESCRIPTOR_SIG, 0x06054b50, 0x06064b50].includes(b.readUInt32LE(0));
}

/**
 * Length of a data descriptor (APPNOTE 4.3.9): an optional signature, the CRC, then 4-byte or,
 * for ZIP64, 8-byte sizes. The one after which the next structure starts wins.
 */
function descriptorLength(source: ByteSource, pos: number, stopAt: number): number {
  const signed = source.read(pos, 4).length === 4 && source.read(pos, 4).readUInt32LE(0) === DESCRIPTOR_SIG;
  const lengths = signed ? [16, 24] : [12, 20];
  return lengths.find((n) => structureAt(source, pos + n, stopAt)) ?? lengths[0]!;
}

/**
 * Walks local headers from the start of the file, as a streaming reader would, and adds the
 * entries no central directory lists (APPNOTE 4.3.6 order: header, data, descriptor). Bytes
 * that are not a local header do not end the walk: a streaming reader that skips them, or a
 * central directory pointing past them, would still reach what follows, so the walk resumes
 * at the next local-header signature and reports the junk.
 */
export function walkLocal(source: ByteSource, limits: Limits, archive: ZipArchive): void {
  const known = new Map(archive.entries.map((e) => [e.localOffset, e]));
  const stopAt = Math.min(archive.centralOffset ?? source.size, source.size);
  let pos = 0;
  while (pos + 30 <= stopAt && archive.entries.length <= limits.maxArchiveEntries) {
    const r = new ByteReader(source, pos);
    if (r.u32le() !== LOCAL_SIG) {
      const next = nextLocalHeader(source, pos, stopAt);
      // Bytes before the first header are a prefix (self-extractors), reported only when a header follows.
      if (next === undefined) {
        if (pos > 0) archive.problems.push(`${stopAt - pos} bytes at ${pos} before the central directory are no local header`);
        break;
      }
      archive.problems.push(`${next - pos} bytes at ${pos} are no local header; the walk goes on at the next local header, at ${next}`);
      pos = next;
      continue;
    }
    r.skip(2);
    const flags = r.u16le();
    const method = r.u16le();
    r.skip(4);
    const crc32 = r.u32le();
    const sizes = { compressedSize: r.u32le(), uncompressedSize: r.u32le(), localOffset: pos };
    const nameLength = r.u16le();
    const extraLength = r.u16le();
    const name = decodeName(r.bytes(nameLength), flags);
    applyZip64(r.bytes(extraLength), sizes);
    const dataOffset = r.pos;
    const central = known.get(pos);
    let compressedSize = sizes.compressedSize;
    if (central) compressedSize = central.compressedSize;
    else if (flags & 0x8 && compressedSize === 0) {
      archive.problems.push(`local entry ${name} at ${pos} has a data descriptor and no size; the walk stops there`);
      break;
    }
    if (!central) {
      const entry: ZipEntry = { name, localName: name, method, flags, crc32, ...sizes, compressedSize, dataOffset, origin: 'local-only' };
      archive.entries.push(entry);
    }
    pos = dataOffset + compressedSize;
    if (flags & 0x8) pos += descriptorLength(source, pos, stopAt);
  }
}
