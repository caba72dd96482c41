import { crc32, deflateRawSync } from 'node:zlib';

/** Test-only: one entry of a zip to build, with knobs for the differential cases. */
export interface ZipEntrySpec {
  name: string;
  data: Buffer;
  /** Deflate the data (method 8) instead of storing it. */
  deflate?: boolean;
  /** Bytes already compressed with another method (12 bzip2, 14 LZMA...): `data` is what they hold. */
  compressed?: { method: number; body: Buffer };
  /** Extra general-purpose flag bits (1 = encrypted, 0x20, 0x40...). */
  flags?: number;
  /** A different name in the local header. */
  localName?: string;
  /** A CRC to declare instead of the real one. */
  crc32?: number;
  /** Leave the entry out of the central directory. */
  hidden?: boolean;
  /** Declared sizes instead of the real ones (zip bombs and absurd lengths). */
  declaredSize?: number;
}

function bodyOf(e: ZipEntrySpec): { method: number; body: Buffer } {
  if (e.compressed) return e.compressed;
  return e.deflate ? { method: 8, body: deflateRawSync(e.data) } : { method: 0, body: e.data };
}

/**
 * The fields local and central headers share, in the same order from `at`: flags, method,
 * time and date (zero), CRC-32, compressed and uncompressed sizes (APPNOTE 4.3.7, 4.3.12).
 */
function writeEntryFields(header: Buffer, at: number, e: ZipEntrySpec, method: number, compressedSize: number): void {
  header.writeUInt16LE(e.flags ?? 0, at);
  header.writeUInt16LE(method, at + 2);
  header.writeUInt32LE(e.crc32 ?? crc32(e.data) >>> 0, at + 8);
  header.writeUInt32LE(compressedSize, at + 12);
  header.writeUInt32LE((e.declaredSize ?? e.data.length) >>> 0, at + 16);
}

/** Test-only: a local header (APPNOTE 4.3.7) followed by its name and data. */
export function localRecord(e: ZipEntrySpec): Buffer {
  const { method, body } = bodyOf(e);
  const localName = Buffer.from(e.localName ?? e.name, 'utf8');
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(20, 4);
  writeEntryFields(local, 6, e, method, body.length);
  local.writeUInt16LE(localName.length, 26);
  return Buffer.concat([local, localName, body]);
}

/** Test-only: a central directory header (APPNOTE 4.3.12) for an entry whose local header is at `offset`. */
export function centralRecord(e: ZipEntrySpec, offset: number): Buffer {
  const { method, body } = bodyOf(e);
  const name = Buffer.from(e.name, 'utf8');
  const c = Buffer.alloc(46);
  c.writeUInt32LE(0x02014b50, 0);
  c.writeUInt16LE(20, 4);
  c.writeUInt16LE(20, 6);
  writeEntryFields(c, 8, e, method, body.length);
  c.writeUInt16LE(name.length, 28);
  c.writeUInt32LE(offset, 42);
  return Buffer.concat([c, name]);
}

/**
 * Test-only: an end-of-central-directory record (APPNOTE 4.3.16). `commentLength` may claim
 * more than `comment` holds, as in end-record differentials.
 */
export function endRecord(count: number, size: number, offset: number, options: { comment?: Buffer; commentLength?: number } = {}): Buffer {
  const comment = options.comment ?? Buffer.alloc(0);
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0);
  eocd.writeUInt16LE(count, 8);
  eocd.writeUInt16LE(count, 10);
  eocd.writeUInt32LE(size, 12);
  eocd.writeUInt32LE(offset, 16);
  eocd.writeUInt16LE(options.commentLength ?? comment.length, 20);
  return Buffer.concat([eocd, comment]);
}

/** Test-only: builds zip bytes (APPNOTE 4.3) from entry specs, lies included. */
export function buildZip(entries: ZipEntrySpec[], options: { prefix?: Buffer; comment?: Buffer } = {}): Buffer {
  const parts: Buffer[] = options.prefix ? [options.prefix] : [];
  let offset = options.prefix?.length ?? 0;
  const central: Buffer[] = [];
  for (const e of entries) {
    const local = localRecord(e);
    parts.push(local);
    if (!e.hidden) central.push(centralRecord(e, offset));
    offset += local.length;
  }
  const cd = Buffer.concat(central);
  return Buffer.concat([...parts, cd, endRecord(central.length, cd.length, offset, { comment: options.comment })]);
}
