import { ByteReader } from '../../core/byte-reader.js';
import type { ByteSource } from '../../core/byte-source.js';

/** Messages walked in an Arrow IPC stream before giving up (so a longer one is not read). */
export const MAX_ARROW_MESSAGES = 1_000_000;

/** Largest flatbuffer Message metadata read; real ones are a few KiB (a schema of many columns more). */
const MAX_METADATA_BYTES = 16 * 1024 * 1024;

const CONTINUATION = 0xffffffff;

/**
 * Arrow IPC file format (Arrow Columnar Format, "IPC File Format"): "ARROW1" and two padding
 * bytes, the stream, a flatbuffer Footer, its length (int32) and "ARROW1" at the end.
 */
export function isArrowFile(source: ByteSource, head: Buffer): boolean {
  if (source.size < 18 || head.toString('latin1', 0, 8) !== 'ARROW1\0\0') return false;
  const tail = source.read(source.size - 10, 10);
  if (tail.toString('latin1', 4, 10) !== 'ARROW1') return false;
  const footer = tail.readInt32LE(0);
  return footer > 0 && footer <= source.size - 18;
}

/**
 * Arrow IPC stream format ("Encapsulated message format"), which Hugging Face `datasets`
 * writes to its `.arrow` files: messages of 0xFFFFFFFF, an int32 metadata length, a flatbuffer
 * Message (Message.fbs) padded to 8 bytes, and `bodyLength` bytes of body; 0xFFFFFFFF 0 ends
 * the stream (pre-0.15 writers leave the continuation marker out). True when the first
 * message is a Schema and every message's header fits, to the end of the file.
 */
export function isArrowStream(source: ByteSource): boolean {
  // One windowed reader: a remote source is fetched in windows, not a request per message.
  const r = new ByteReader(source);
  for (let count = 0; !r.atEnd(); count++) {
    if (count >= MAX_ARROW_MESSAGES || r.remaining < 8) return false;
    let length = r.u32le();
    if (length === CONTINUATION) length = r.u32le();
    if (length === 0) return count > 0 && r.atEnd();
    if (length > MAX_METADATA_BYTES || length > r.remaining) return false;
    const message = readMessage(r.bytes(length));
    if (!message || (count === 0 && message.headerType !== SCHEMA)) return false;
    if (message.bodyLength > r.remaining) return false;
    r.skip(message.bodyLength);
  }
  return source.size > 0;
}

/** MessageHeader union members (Message.fbs): Schema 1 … SparseTensor 5. */
const SCHEMA = 1;
const LAST_HEADER = 5;
/** MetadataVersion V1..V5 are 0..4. */
const LAST_VERSION = 4;

/**
 * The root table of a flatbuffer Message (flatbuffers "Internals": a u32 root offset, a table
 * whose first i32 points back to its vtable of u16 sizes and field offsets): version (field 0),
 * header_type (1), bodyLength (3). Undefined when the structure does not fit.
 */
function readMessage(meta: Buffer): { headerType: number; bodyLength: number } | undefined {
  if (meta.length < 8) return undefined;
  const table = meta.readUInt32LE(0);
  if (table + 4 > meta.length) return undefined;
  const vtable = table - meta.readInt32LE(table);
  if (vtable < 0 || vtable + 4 > meta.length) return undefined;
  const vtableBytes = meta.readUInt16LE(vtable);
  const tableBytes = meta.readUInt16LE(vtable + 2);
  if (vtableBytes < 4 || vtableBytes % 2 !== 0 || vtable + vtableBytes > meta.length || table + tableBytes > meta.length) return undefined;
  const field = (id: number, width: number): number | undefined => {
    const slot = 4 + 2 * id;
    if (slot + 2 > vtableBytes) return undefined;
    const offset = meta.readUInt16LE(vtable + slot);
    if (offset === 0) return undefined;
    if (offset + width > tableBytes) return -1;
    return table + offset;
  };
  const versionAt = field(0, 2);
  const typeAt = field(1, 1);
  const bodyAt = field(3, 8);
  if (versionAt === -1 || typeAt === -1 || bodyAt === -1) return undefined;
  const version = versionAt === undefined ? 0 : meta.readInt16LE(versionAt);
  const headerType = typeAt === undefined ? 0 : meta[typeAt]!;
  const body = bodyAt === undefined ? 0n : meta.readBigInt64LE(bodyAt);
  if (version < 0 || version > LAST_VERSION || headerType < 1 || headerType > LAST_HEADER || body < 0n || body > BigInt(Number.MAX_SAFE_INTEGER)) {
    return undefined;
  }
  return { headerType, bodyLength: Number(body) };
}
