/**
 * Test-only: emits 7z bytes from a typed description, laid out as 7zFormat.txt describes, so
 * tests can state exactly the malformed or hostile archive they mean (a declared size of 2^62,
 * a packed stream past the end of the file) instead of pasting blobs. It writes a plain Header,
 * or wraps it in a kEncodedHeader; it does not compress.
 */
import { crc32 } from 'node:zlib';
import { NID } from './fields.js';

type Size = number | bigint;

export interface BuilderFolder {
  /** Coders from the folder's result back to its packed stream: coder i reads coder i+1. */
  coders: { methodId: string; props?: Buffer }[];
  /** Declared output size of each coder, in coder order. */
  unpackSizes: Size[];
  packed: Buffer;
  /** Declared packed size, when it should differ from `packed.length`. */
  declaredPackSize?: Size;
  crc?: number;
  /** How the result splits into files; one stream of `unpackSizes[0]` by default. */
  streams?: { size: Size; crc?: number }[];
}

export interface BuilderFile {
  name: string;
  /** `file` (default) takes the next stream; `empty` and `dir` have none. */
  kind?: 'file' | 'empty' | 'dir';
}

export interface BuilderArchive {
  folders: BuilderFolder[];
  files: BuilderFile[];
  /** Declared NumFiles, when it should differ from `files.length`. */
  numFiles?: Size;
  /** Wrap the header in kEncodedHeader with this coder (Copy of the header when omitted). */
  encodedHeader?: { methodId?: string; props?: Buffer; packed?: Buffer; unpackSize?: Size };
}

/** 7zFormat.txt "UINT64": leading 1 bits of the first byte count the extra bytes. */
export function encodeNumber(value: Size): Buffer {
  const v = BigInt(value);
  for (let extra = 0; extra <= 8; extra++) {
    if (extra < 8 && v >= 1n << BigInt(7 * (extra + 1))) continue;
    const out = Buffer.alloc(1 + extra);
    const high = Number(v >> BigInt(8 * extra));
    out[0] = ((0xff << (8 - extra)) & 0xff) | high;
    for (let i = 0; i < extra; i++) out[1 + i] = Number((v >> BigInt(8 * i)) & 0xffn);
    return out;
  }
  throw new Error(`cannot encode ${value}`);
}

const n = encodeNumber;
const byte = (...values: number[]): Buffer => Buffer.from(values);

function bits(flags: boolean[]): Buffer {
  const out = Buffer.alloc(Math.ceil(flags.length / 8));
  flags.forEach((f, i) => f && (out[i >> 3]! |= 0x80 >> (i & 7)));
  return out;
}

function digests(crcs: (number | undefined)[]): Buffer {
  const all = crcs.every((c) => c !== undefined);
  const parts = [byte(all ? 1 : 0)];
  if (!all) parts.push(bits(crcs.map((c) => c !== undefined)));
  for (const c of crcs) if (c !== undefined) parts.push(Buffer.from(Uint32Array.of(c).buffer));
  return Buffer.concat(parts);
}

function folderBytes(folder: BuilderFolder): Buffer {
  const parts = [n(folder.coders.length)];
  for (const coder of folder.coders) {
    const id = Buffer.from(coder.methodId, 'hex');
    parts.push(byte(id.length | (coder.props ? 0x20 : 0)), id);
    if (coder.props) parts.push(n(coder.props.length), coder.props);
  }
  // Bind pairs: coder i's input (in-stream i) takes coder i+1's output (out-stream i+1).
  for (let i = 0; i + 1 < folder.coders.length; i++) parts.push(n(i), n(i + 1));
  return Buffer.concat(parts);
}

/** 7zFormat.txt "StreamsInfo" for `folders` whose packed streams start at `packPos`. */
function streamsInfo(folders: BuilderFolder[], withSubStreams: boolean, packPos: Size = 0): Buffer {
  const parts = [byte(NID.kPackInfo), n(packPos), n(folders.length), byte(NID.kSize)];
  for (const f of folders) parts.push(n(f.declaredPackSize ?? f.packed.length));
  parts.push(byte(NID.kEnd, NID.kUnPackInfo, NID.kFolder), n(folders.length), byte(0));
  for (const f of folders) parts.push(folderBytes(f));
  parts.push(byte(NID.kCodersUnPackSize));
  for (const f of folders) for (const s of f.unpackSizes) parts.push(n(s));
  if (folders.some((f) => f.crc !== undefined)) parts.push(byte(NID.kCRC), digests(folders.map((f) => f.crc)));
  parts.push(byte(NID.kEnd));
  if (withSubStreams) {
    const streams = folders.map((f) => f.streams ?? [{ size: f.unpackSizes[0]!, crc: f.crc }]);
    parts.push(byte(NID.kSubStreamsInfo, NID.kNumUnPackStream), ...streams.map((s) => n(s.length)), byte(NID.kSize));
    for (const s of streams) for (const stream of s.slice(0, -1)) parts.push(n(stream.size));
    const unknown = streams.flatMap((s, i) => (s.length === 1 && folders[i]!.crc !== undefined ? [] : s.map((x) => x.crc)));
    if (unknown.some((c) => c !== undefined)) parts.push(byte(NID.kCRC), digests(unknown));
    parts.push(byte(NID.kEnd));
  }
  parts.push(byte(NID.kEnd));
  return Buffer.concat(parts);
}

function property(id: number, data: Buffer): Buffer {
  return Buffer.concat([byte(id), n(data.length), data]);
}

function filesInfo(archive: BuilderArchive): Buffer {
  const files = archive.files;
  const parts = [byte(NID.kFilesInfo), n(archive.numFiles ?? files.length)];
  const emptyStream = files.map((f) => (f.kind ?? 'file') !== 'file');
  if (emptyStream.some(Boolean)) {
    parts.push(property(NID.kEmptyStream, bits(emptyStream)));
    const empties = files.filter((f) => (f.kind ?? 'file') !== 'file');
    parts.push(property(NID.kEmptyFile, bits(empties.map((f) => f.kind === 'empty'))));
  }
  const names = files.map((f) => Buffer.from(`${f.name}\0`, 'utf16le'));
  parts.push(property(NID.kName, Buffer.concat([byte(0), ...names])), byte(NID.kEnd));
  return Buffer.concat(parts);
}

/** The archive's bytes: signature header, packed streams, (encoded) header. */
export function buildSevenZip(archive: BuilderArchive): Buffer {
  const header = Buffer.concat([byte(NID.kHeader, NID.kMainStreamsInfo), streamsInfo(archive.folders, true), filesInfo(archive), byte(NID.kEnd)]);
  let packed = Buffer.concat(archive.folders.map((f) => f.packed));
  let next = header;
  if (archive.encodedHeader) {
    const e = archive.encodedHeader;
    const headerFolder: BuilderFolder = {
      coders: [{ methodId: e.methodId ?? '00', props: e.props }],
      unpackSizes: [e.unpackSize ?? header.length],
      packed: e.packed ?? header,
      crc: crc32(header),
    };
    // The header's packed stream follows the data's; PackPos counts from the end of the
    // signature header.
    next = Buffer.concat([byte(NID.kEncodedHeader), streamsInfo([headerFolder], false, packed.length)]);
    packed = Buffer.concat([packed, headerFolder.packed]);
  }
  const start = Buffer.alloc(20);
  start.writeBigUInt64LE(BigInt(packed.length), 0);
  start.writeBigUInt64LE(BigInt(next.length), 8);
  start.writeUInt32LE(crc32(next), 16);
  const signature = Buffer.concat([Buffer.from([0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c, 0, 4]), Buffer.alloc(4), start]);
  signature.writeUInt32LE(crc32(start), 8);
  return Buffer.concat([signature, packed, next]);
}
