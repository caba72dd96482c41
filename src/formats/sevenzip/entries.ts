import type { ByteSource } from '../../core/byte-source.js';
import { ModelgateError } from '../../core/errors.js';
import type { Limits } from '../../core/limits.js';
import { crc32 } from 'node:zlib';
import { DecompressBudget, folderProblem } from './folder-decode.js';
import { decodeFolderAt } from './folder-data.js';
import type { FileRecord, SevenZipEntry, StreamsInfo } from './model.js';

/** Where one file's bytes lie: a slice of a folder's output, with its own CRC if stored. */
interface SubStreamRef {
  folder: number;
  offset: number;
  size: number;
  crc?: number;
}

/** Converts anything thrown into the typed error recorded for it. */
export function asModelgateError(e: unknown): ModelgateError {
  if (e instanceof ModelgateError) return e;
  const message = e instanceof Error ? e.message : String(e);
  return new ModelgateError('MALFORMED', `7z: ${message}`, { cause: e });
}

/**
 * 7zFormat.txt "SubStreamsInfo": folder outputs split, in order, into the streams of the files
 * that have one (those not marked kEmptyStream).
 */
function subStreamRefs(streams: StreamsInfo): SubStreamRef[] {
  const refs: SubStreamRef[] = [];
  const { numUnpackStreams, sizes, crcs } = streams.subStreams;
  let k = 0;
  streams.folders.forEach((folder, f) => {
    let offset = 0;
    const n = numUnpackStreams[f]!;
    for (let j = 0; j < n && k < sizes.length; j++, k++) {
      // A lone stream's CRC is the folder's own; it is checked once, on the folder output.
      const inherited = n === 1 && folder.unpackCrc !== undefined;
      refs.push({ folder: f, offset, size: sizes[k]!, crc: inherited ? undefined : crcs[k] });
      offset += sizes[k]!;
    }
  });
  return refs;
}

/**
 * Builds the entries for `files` (`complete` when that is the whole list), decoding each folder
 * once and only when an entry within the member limit needs it. Per-entry problems go on the entry; CRC mismatches (not fatal: a loader
 * that ignores CRCs reads the bytes anyway) go to `errors`.
 */
export function buildEntries(
  source: ByteSource,
  streams: StreamsInfo | undefined,
  files: FileRecord[],
  limits: Limits,
  budget: DecompressBudget,
  errors: ModelgateError[],
  complete: boolean,
): SevenZipEntry[] {
  const refs = streams === undefined ? [] : subStreamRefs(streams);
  const decoded = new Map<number, { data?: Buffer; error?: ModelgateError }>();
  const folderOutput = (index: number): { data?: Buffer; error?: ModelgateError } => {
    let result = decoded.get(index);
    if (result === undefined) {
      result = decodeAndCheck(source, streams as StreamsInfo, index, budget, errors);
      decoded.set(index, result);
    }
    return result;
  };
  const entries: SevenZipEntry[] = [];
  let next = 0;
  for (const file of files) {
    const entry: SevenZipEntry = { name: file.name ?? '', size: 0, isDir: file.isDir };
    entries.push(entry);
    if (!file.hasStream) {
      if (!file.isDir) entry.data = Buffer.alloc(0);
      continue;
    }
    const ref = refs[next++];
    if (ref === undefined || streams === undefined) {
      entry.error = new ModelgateError('MALFORMED', `7z file "${entry.name}" has no stream in the archive`);
      continue;
    }
    entry.size = ref.size;
    const problem = folderProblem(streams.folders[ref.folder]!);
    if (problem !== undefined) {
      entry.error = problem;
      continue;
    }
    if (ref.size > limits.maxMemberBytes) {
      entry.error = new ModelgateError('LIMIT_MEMBER_BYTES', `7z member "${entry.name}" declares ${ref.size} bytes`);
      continue;
    }
    const output = folderOutput(ref.folder);
    if (output.data === undefined) {
      entry.error = output.error;
      continue;
    }
    entry.data = output.data.subarray(ref.offset, ref.offset + ref.size);
    if (ref.crc !== undefined && crc32(entry.data) !== ref.crc) {
      errors.push(new ModelgateError('MALFORMED', `7z CRC mismatch for "${entry.name}"`));
    }
  }
  // Streams no file claims are only news when the file list was read whole.
  if (complete && next < refs.length) {
    errors.push(new ModelgateError('MALFORMED', `7z archive has ${refs.length - next} streams no file claims`));
  }
  return entries;
}

function decodeAndCheck(
  source: ByteSource,
  streams: StreamsInfo,
  index: number,
  budget: DecompressBudget,
  errors: ModelgateError[],
): { data?: Buffer; error?: ModelgateError } {
  try {
    const data = decodeFolderAt(source, streams, index, budget);
    const expected = streams.folders[index]!.unpackCrc;
    if (expected !== undefined && crc32(data) !== expected) {
      errors.push(new ModelgateError('MALFORMED', `7z CRC mismatch for folder ${index}`));
    }
    return { data };
  } catch (e) {
    return { error: asModelgateError(e) };
  }
}
