/**
 * Named resource limits. Each default lets real multi-gigabyte checkpoints through while
 * keeping a crafted file from exhausting memory or time; hitting one is a fatal finding with
 * its own code, never a crash and never `clean`.
 */
export interface Limits {
  /**
   * Bytes of one member (or pickle stream) held in memory at once. Pickle streams of real
   * checkpoints are kilobytes to a few hundred megabytes: tensor data lives outside them.
   */
  maxMemberBytes: number;
  /** Bytes produced by decompression for one file, summed over its members and layers. */
  maxDecompressedBytes: number;
  /**
   * Decompressed-to-compressed ratio, checked once the output passes
   * `ratioGraceBytes`. Deflate tops out near 1032:1 on zeros; real pickles stay below 50:1.
   */
  maxCompressionRatio: number;
  /** Output size below which the ratio is not judged (tiny files compress absurdly well). */
  ratioGraceBytes: number;
  /** Archives inside archives (zip in 7z in gzip...). Real models nest at most twice. */
  maxNestingDepth: number;
  /** Opcodes in one pickle stream. A 2 GB state-dict pickle has a few million. */
  maxOpcodes: number;
  /**
   * Distinct memo entries in one pickle stream (`len(memo)`). Only the values a stream reads
   * back are kept (and charged to maxSymbolicBytes); the others cost a bit each, so a
   * vocabulary's millions of memoised strings fit.
   */
  maxMemoEntries: number;
  /**
   * Estimated bytes of the symbolic values of one pickle stream that are alive (stack, memo,
   * containers, calls): charged as they are made, given back when a container nothing else
   * holds is dropped. Containers keep at most 65,536 items each, so a real pickle's values stay
   * within tens of MB whatever its size; ten million nested lists in a 20 MB file would
   * otherwise take gigabytes.
   */
  maxSymbolicBytes: number;
  /** Unclosed MARKs in one pickle stream; real pickles nest a few dozen deep. */
  maxMarks: number;
  /**
   * Bytes of one pickle string/bytes operand that are kept for analysis; longer operands are
   * skipped over (a `low` finding) since real ones are raw array data.
   */
  maxStringBytes: number;
  /** Entries of one archive. */
  maxArchiveEntries: number;
  /** Pickle streams read back to back from one member (after each STOP). */
  maxStreamsPerMember: number;
}

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;

export const DEFAULT_LIMITS: Readonly<Limits> = Object.freeze({
  maxMemberBytes: 1 * GiB,
  maxDecompressedBytes: 4 * GiB,
  maxCompressionRatio: 200,
  ratioGraceBytes: 16 * MiB,
  maxNestingDepth: 6,
  maxOpcodes: 50_000_000,
  maxMemoEntries: 50_000_000,
  maxSymbolicBytes: 32 * MiB,
  maxMarks: 100_000,
  maxStringBytes: 256 * MiB,
  maxArchiveEntries: 100_000,
  maxStreamsPerMember: 64,
});

/** Defaults with some limits overridden (tests and the CLI use this). */
export function withLimits(overrides: Partial<Limits> = {}): Limits {
  return { ...DEFAULT_LIMITS, ...overrides };
}
