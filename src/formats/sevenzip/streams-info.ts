import type { ByteReader } from '../../core/byte-reader.js';
import { ModelgateError } from '../../core/errors.js';
import { NID, expectEnd, expectId, readCount, readDigests, readNumber } from './fields.js';
import type { BindPair, Coder, Folder, StreamsInfo, SubStreams } from './model.js';

/**
 * Coders in one folder, and streams per coder. 7-Zip itself refuses more than 64 coder streams
 * per folder (k_NumCodersStreams_in_Folder_MAX); real archives use one to four coders.
 */
export const MAX_FOLDER_CODERS = 64;
const MAX_CODER_STREAMS = 64;

/** 7zFormat.txt "StreamsInfo": optional PackInfo, CodersInfo and SubStreamsInfo, then kEnd. */
export function readStreamsInfo(reader: ByteReader): StreamsInfo {
  const info: StreamsInfo = { packPos: 0, packSizes: [], folders: [], subStreams: { numUnpackStreams: [], sizes: [], crcs: [] } };
  let id = readNumber(reader);
  if (id === NID.kPackInfo) {
    readPackInfo(reader, info);
    id = readNumber(reader);
  }
  if (id === NID.kUnPackInfo) {
    info.folders = readCodersInfo(reader);
    id = readNumber(reader);
  }
  // Without SubStreamsInfo each folder holds exactly one stream (7zFormat.txt "SubStreamsInfo").
  info.subStreams = defaultSubStreams(info.folders);
  if (id === NID.kSubStreamsInfo) {
    info.subStreams = readSubStreamsInfo(reader, info.folders);
    id = readNumber(reader);
  }
  expectEnd(reader, id, 'StreamsInfo');
  const usedPackStreams = info.folders.reduce((n, f) => n + f.packedStreams.length, 0);
  if (usedPackStreams > info.packSizes.length) {
    throw new ModelgateError('MALFORMED', `folders use ${usedPackStreams} packed streams, only ${info.packSizes.length} declared`);
  }
  return info;
}

/** 7zFormat.txt "PackInfo": PackPos, NumPackStreams, kSize sizes, optional kCRC digests. */
function readPackInfo(reader: ByteReader, info: StreamsInfo): void {
  info.packPos = readNumber(reader);
  // Every pack stream needs at least one byte for its size, which bounds the count.
  const count = readCount(reader, reader.remaining, 'pack stream');
  expectId(reader, NID.kSize, 'kSize');
  for (let i = 0; i < count; i++) info.packSizes.push(readNumber(reader));
  let id = readNumber(reader);
  if (id === NID.kCRC) {
    readDigests(reader, count); // Packed-stream CRCs: 7-Zip writes none; folder CRCs cover the data.
    id = readNumber(reader);
  }
  expectEnd(reader, id, 'PackInfo');
}

/** 7zFormat.txt "CodersInfo": kFolder folders, kCodersUnPackSize sizes, optional kCRC digests. */
function readCodersInfo(reader: ByteReader): Folder[] {
  expectId(reader, NID.kFolder, 'kFolder');
  // A folder takes at least two bytes (NumCoders and one coder's flag byte).
  const count = readCount(reader, reader.remaining, 'folder');
  if (reader.u8() !== 0) throw new ModelgateError('UNSUPPORTED', 'folders stored in an external data stream', { offset: reader.pos - 1 });
  const folders: Folder[] = [];
  for (let i = 0; i < count; i++) folders.push(readFolder(reader));
  expectId(reader, NID.kCodersUnPackSize, 'kCodersUnPackSize');
  for (const folder of folders) {
    const outs = folder.coders.reduce((n, c) => n + c.numOutStreams, 0);
    for (let i = 0; i < outs; i++) folder.unpackSizes.push(readNumber(reader));
  }
  let id = readNumber(reader);
  if (id === NID.kCRC) {
    const crcs = readDigests(reader, folders.length);
    folders.forEach((f, i) => (f.unpackCrc = crcs[i]));
    id = readNumber(reader);
  }
  expectEnd(reader, id, 'CodersInfo');
  return folders;
}

/** 7zFormat.txt "Folder": coders, BindPairs (NumOutStreamsTotal - 1), packed stream indices. */
function readFolder(reader: ByteReader): Folder {
  const start = reader.pos;
  const numCoders = readCount(reader, MAX_FOLDER_CODERS, 'coder');
  if (numCoders === 0) throw new ModelgateError('MALFORMED', 'folder without coders', { offset: start });
  const coders: Coder[] = [];
  let totalIn = 0;
  let totalOut = 0;
  for (let i = 0; i < numCoders; i++) {
    // Flag byte: bits 0-3 id size, bit 4 complex coder, bit 5 attributes, bits 6-7 reserved.
    const flags = reader.u8();
    if ((flags & 0xc0) !== 0 || (flags & 0x0f) > 8) {
      throw new ModelgateError('UNSUPPORTED', `coder flags 0x${flags.toString(16)}`, { offset: reader.pos - 1 });
    }
    const methodId = reader.bytes(flags & 0x0f).toString('hex');
    const isComplex = (flags & 0x10) !== 0;
    const numInStreams = isComplex ? readCount(reader, MAX_CODER_STREAMS, 'coder in-stream') : 1;
    const numOutStreams = isComplex ? readCount(reader, MAX_CODER_STREAMS, 'coder out-stream') : 1;
    const props = (flags & 0x20) !== 0 ? Buffer.from(reader.bytes(readCount(reader, reader.remaining, 'property byte'))) : Buffer.alloc(0);
    coders.push({ methodId, numInStreams, numOutStreams, props });
    totalIn += numInStreams;
    totalOut += numOutStreams;
  }
  if (totalOut === 0 || totalIn > MAX_CODER_STREAMS || totalOut > MAX_CODER_STREAMS) {
    throw new ModelgateError('MALFORMED', `folder with ${totalIn} in- and ${totalOut} out-streams`, { offset: start });
  }
  const bindPairs: BindPair[] = [];
  for (let i = 0; i < totalOut - 1; i++) {
    const inIndex = readNumber(reader);
    const outIndex = readNumber(reader);
    if (inIndex >= totalIn || outIndex >= totalOut) throw new ModelgateError('MALFORMED', 'bind pair out of range', { offset: reader.pos });
    bindPairs.push({ inIndex, outIndex });
  }
  const numPacked = totalIn - bindPairs.length;
  if (numPacked < 1) throw new ModelgateError('MALFORMED', 'folder without packed streams', { offset: start });
  const packedStreams: number[] = [];
  if (numPacked === 1) {
    // The single packed stream is the one in-stream no bind pair feeds.
    for (let i = 0; i < totalIn; i++) if (!bindPairs.some((bp) => bp.inIndex === i)) packedStreams.push(i);
    if (packedStreams.length !== 1) throw new ModelgateError('MALFORMED', 'cannot find the packed stream', { offset: start });
  } else {
    for (let i = 0; i < numPacked; i++) {
      const index = readNumber(reader);
      if (index >= totalIn) throw new ModelgateError('MALFORMED', 'packed stream index out of range', { offset: reader.pos });
      packedStreams.push(index);
    }
  }
  return { coders, bindPairs, packedStreams, unpackSizes: [] };
}

/** The out-stream index no bind pair consumes: the folder's result. */
export function mainOutIndex(folder: Folder): number {
  const total = folder.coders.reduce((n, c) => n + c.numOutStreams, 0);
  const free: number[] = [];
  for (let i = 0; i < total; i++) if (!folder.bindPairs.some((bp) => bp.outIndex === i)) free.push(i);
  if (free.length !== 1) throw new ModelgateError('MALFORMED', `folder has ${free.length} unbound out-streams`);
  return free[0]!;
}

/** Declared size of the folder's result. */
export function folderUnpackSize(folder: Folder): number {
  return folder.unpackSizes[mainOutIndex(folder)] ?? 0;
}

function defaultSubStreams(folders: Folder[]): SubStreams {
  return {
    numUnpackStreams: folders.map(() => 1),
    sizes: folders.map(folderUnpackSize),
    crcs: folders.map((f) => f.unpackCrc),
  };
}

/** 7zFormat.txt "SubStreamsInfo": streams per folder, their sizes (last implied), digests. */
function readSubStreamsInfo(reader: ByteReader, folders: Folder[]): SubStreams {
  const numUnpackStreams = folders.map(() => 1);
  let id = readNumber(reader);
  if (id === NID.kNumUnPackStream) {
    for (let i = 0; i < folders.length; i++) numUnpackStreams[i] = readNumber(reader);
    id = readNumber(reader);
  }
  const sizes: number[] = [];
  const hasSizes = id === NID.kSize;
  folders.forEach((folder, i) => {
    const n = numUnpackStreams[i]!;
    if (n === 0) return;
    // Without kSize a folder of several streams has no way to split them.
    if (n > 1 && !hasSizes) throw new ModelgateError('MALFORMED', `folder ${i} has ${n} streams but no sizes`, { offset: reader.pos });
    let sum = 0;
    // Each size is at least one header byte, so a forged count ends in TRUNCATED.
    for (let j = 1; j < n; j++) {
      const size = readNumber(reader);
      sizes.push(size);
      sum += size;
    }
    const total = folderUnpackSize(folder);
    if (sum > total) throw new ModelgateError('MALFORMED', `folder ${i} substreams exceed its size`, { offset: reader.pos });
    sizes.push(total - sum);
  });
  if (hasSizes) id = readNumber(reader);
  // A lone substream inherits the folder's digest; all others are listed after kCRC.
  const crcs: (number | undefined)[] = [];
  const unknown: number[] = [];
  folders.forEach((folder, i) => {
    const n = numUnpackStreams[i]!;
    if (n === 1 && folder.unpackCrc !== undefined) crcs.push(folder.unpackCrc);
    else for (let j = 0; j < n; j++) unknown.push(crcs.push(undefined) - 1);
  });
  if (id === NID.kCRC) {
    const digests = readDigests(reader, unknown.length);
    unknown.forEach((at, k) => (crcs[at] = digests[k]));
    id = readNumber(reader);
  }
  expectEnd(reader, id, 'SubStreamsInfo');
  return { numUnpackStreams, sizes, crcs };
}
