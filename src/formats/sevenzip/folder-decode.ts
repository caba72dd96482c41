import { constants as bufferConstants } from 'node:buffer';
import { ModelgateError } from '../../core/errors.js';
import type { Limits } from '../../core/limits.js';
import { coderDecompresses, coderProblem, runCoder, type CoderStream } from './methods.js';
import type { Folder } from './model.js';
import { mainOutIndex } from './streams-info.js';

/**
 * Decompressed bytes spent so far on one archive (header and all folders), checked against
 * `Limits` from the declared sizes before any output buffer is allocated.
 */
export class DecompressBudget {
  used = 0;
  constructor(readonly limits: Limits) {}

  /**
   * Reserves the bytes a folder's decoders will allocate, or throws the limit it would break:
   * LIMIT_DECOMPRESSED_BYTES for the running total (or a size no Buffer can hold), LIMIT_RATIO
   * when the folder's output passes `ratioGraceBytes` at more than `maxCompressionRatio` times
   * its packed size.
   */
  reserve(folder: Folder, packedBytes: number): void {
    let allocated = 0;
    folder.coders.forEach((coder, i) => {
      if (!coderDecompresses(coder)) return;
      const size = folder.unpackSizes[outIndexOf(folder, i)] ?? 0;
      if (size > bufferConstants.MAX_LENGTH) {
        throw new ModelgateError('LIMIT_DECOMPRESSED_BYTES', `7z coder output of ${size} bytes is larger than one buffer can hold`);
      }
      allocated += size;
    });
    if (this.used + allocated > this.limits.maxDecompressedBytes) {
      throw new ModelgateError(
        'LIMIT_DECOMPRESSED_BYTES',
        `7z folder declares ${allocated} decompressed bytes; ${this.used} already used of ${this.limits.maxDecompressedBytes}`,
      );
    }
    const output = folder.unpackSizes[mainOutIndex(folder)] ?? 0;
    if (output > this.limits.ratioGraceBytes && output > this.limits.maxCompressionRatio * Math.max(1, packedBytes)) {
      throw new ModelgateError('LIMIT_RATIO', `7z folder expands ${packedBytes} packed bytes to ${output}`);
    }
    this.used += allocated;
  }
}

/** Folder out-stream index of coder `coderIndex`'s (single) output. */
function outIndexOf(folder: Folder, coderIndex: number): number {
  let index = 0;
  for (let i = 0; i < coderIndex; i++) index += folder.coders[i]!.numOutStreams;
  return index;
}

/** First problem that keeps the folder from being decoded (ENCRYPTED, UNSUPPORTED), if any. */
export function folderProblem(folder: Folder): ModelgateError | undefined {
  // Report encryption first: it says more about the archive than an unsupported filter.
  const problems = folder.coders.map(coderProblem).filter((p): p is ModelgateError => p !== undefined);
  return problems.find((p) => p.code === 'ENCRYPTED') ?? problems[0];
}

/**
 * Runs a folder's coder graph (7zFormat.txt "Folder": BindPairs connect a coder's in-stream to
 * another coder's out-stream; unbound in-streams read packed streams) and returns its main
 * output. `packed[k]` is the folder's k-th packed stream. Only single-stream coders occur here
 * (`folderProblem` rejects others), so in- and out-stream indices equal coder indices.
 */
export function decodeFolder(folder: Folder, packed: Buffer[]): Buffer {
  const problem = folderProblem(folder);
  if (problem !== undefined) throw problem;
  const visiting = new Set<number>();
  const produce = (coderIndex: number): CoderStream => {
    // A cycle of bind pairs would recurse forever; 7-Zip rejects such folders too.
    if (visiting.has(coderIndex)) throw new ModelgateError('MALFORMED', '7z folder bind pairs form a cycle');
    visiting.add(coderIndex);
    const coder = folder.coders[coderIndex];
    if (coder === undefined) throw new ModelgateError('MALFORMED', `7z folder has no coder ${coderIndex}`);
    const bound = folder.bindPairs.find((bp) => bp.inIndex === coderIndex);
    let input: CoderStream;
    if (bound !== undefined) {
      input = produce(bound.outIndex);
    } else {
      const k = folder.packedStreams.indexOf(coderIndex);
      if (k < 0 || packed[k] === undefined) throw new ModelgateError('MALFORMED', '7z coder input is neither bound nor packed');
      input = { data: packed[k], owned: false };
    }
    const output = runCoder(coder, input, folder.unpackSizes[coderIndex] ?? 0);
    visiting.delete(coderIndex);
    return output;
  };
  return produce(mainOutIndex(folder)).data;
}
