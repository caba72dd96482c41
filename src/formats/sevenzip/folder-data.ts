import { ByteReader } from '../../core/byte-reader.js';
import type { ByteSource } from '../../core/byte-source.js';
import { ModelgateError } from '../../core/errors.js';
import { DecompressBudget, decodeFolder, folderProblem } from './folder-decode.js';
import type { StreamsInfo } from './model.js';

/** 7zFormat.txt: pack positions count from the end of the 32-byte SignatureHeader. */
export const SIGNATURE_HEADER_SIZE = 32;

/**
 * Locates, bounds-checks, budgets and decodes folder `index` of `streams`. Throws a typed
 * ModelgateError: ENCRYPTED / UNSUPPORTED coders, TRUNCATED packed streams, the LIMIT_* codes
 * from the budget, MALFORMED or TRUNCATED from the decoders.
 */
export function decodeFolderAt(source: ByteSource, streams: StreamsInfo, index: number, budget: DecompressBudget): Buffer {
  const folder = streams.folders[index];
  if (folder === undefined) throw new ModelgateError('MALFORMED', `7z archive has no folder ${index}`);
  const problem = folderProblem(folder);
  if (problem !== undefined) throw problem;
  // 7zFormat.txt "PackInfo": pack streams lie back to back from PackPos, folder after folder.
  let first = 0;
  for (let i = 0; i < index; i++) first += streams.folders[i]!.packedStreams.length;
  let offset = SIGNATURE_HEADER_SIZE + streams.packPos;
  // readStreamsInfo checked that the folders use no more packed streams than PackInfo declares.
  for (let i = 0; i < first; i++) offset += streams.packSizes[i]!;
  const ranges: { start: number; size: number }[] = [];
  let packedBytes = 0;
  for (let k = 0; k < folder.packedStreams.length; k++) {
    const size = streams.packSizes[first + k]!;
    if (offset + size > source.size) {
      const message = `7z packed stream ${first + k} (${size} bytes at ${offset}) runs past the end of the file`;
      throw new ModelgateError('TRUNCATED', message, { offset });
    }
    ranges.push({ start: offset, size });
    packedBytes += size;
    offset += size;
  }
  budget.reserve(folder, packedBytes);
  const packed = ranges.map(({ start, size }) => new ByteReader(source, start, start + size).bytes(size));
  return decodeFolder(folder, packed);
}
