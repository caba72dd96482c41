import { crc32, deflateRawSync } from 'node:zlib';

/** Test-only: one entry of a zip to build, with knobs for the differential cases. */
export interface ZipEntrySpec {
  name: string;
  data: Buffer;
  /** Deflate the data (method 8) instead of storing it. */
  deflate?: boolean;
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

/** Test-only: builds zip bytes (APPNOTE 4.3) from entry specs, lies included. */
export function buildZip(entries: ZipEntrySpec[], options: { prefix?: Buffer } = {}): Buffer {
  const parts: Buffer[] = options.prefix ? [options.prefix] : [];
  let offset = options.prefix?.length ?? 0;
  const central: Buffer[] = [];
  let count = 0;
  for (const e of entries) {
    const body = e.deflate ? deflateRawSync(e.data) : e.data;
    const crc = e.crc32 ?? crc32(e.data) >>> 0;
    const flags = e.flags ?? 0;
    const method = e.deflate ? 8 : 0;
    const localName = Buffer.from(e.localName ?? e.name, 'utf8');
    const name = Buffer.from(e.name, 'utf8');
    const size = e.declaredSize ?? e.data.length;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(flags, 6);
    local.writeUInt16LE(method, 8);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(size >>> 0, 22);
    local.writeUInt16LE(localName.length, 26);
    parts.push(local, localName, body);
    if (!e.hidden) {
      const c = Buffer.alloc(46);
      c.writeUInt32LE(0x02014b50, 0);
      c.writeUInt16LE(20, 4);
      c.writeUInt16LE(20, 6);
      c.writeUInt16LE(flags, 8);
      c.writeUInt16LE(method, 10);
      c.writeUInt32LE(crc, 16);
      c.writeUInt32LE(body.length, 20);
      c.writeUInt32LE(size >>> 0, 24);
      c.writeUInt16LE(name.length, 28);
      c.writeUInt32LE(offset, 42);
      central.push(c, name);
      count++;
    }
    offset += 30 + localName.length + body.length;
  }
  const cd = Buffer.concat(central);
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0);
  eocd.writeUInt16LE(count, 8);
  eocd.writeUInt16LE(count, 10);
  eocd.writeUInt32LE(cd.length, 12);
  eocd.writeUInt32LE(offset, 16);
  return Buffer.concat([...parts, cd, eocd]);
}
