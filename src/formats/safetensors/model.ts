/** One tensor entry of a safetensors header whose fields are well-formed. */
export interface TensorEntry {
  name: string;
  dtype: string;
  shape: bigint[];
  /** `data_offsets`, relative to the start of the data (the byte after the header). */
  begin: bigint;
  end: bigint;
}

/** A byte range of the data no tensor claims: a gap between tensors, or bytes after the last. */
export interface UnclaimedRange {
  /** Offset from the start of the file. */
  start: number;
  length: number;
  trailing: boolean;
}

/** A tensor whose byte range leaves the data, runs backwards, or overlaps another's. */
export interface OffsetProblem {
  kind: 'out-of-range' | 'reversed' | 'overlap';
  tensor: string;
  message: string;
}

/** A safetensors file as its header describes it (the tensor data is never read). */
export interface SafetensorsFile {
  size: number;
  /** The 8-byte little-endian header length N. */
  headerLength: number;
  /** 8 + N: where the data begins. */
  dataStart: number;
  /** Bytes from dataStart to the end of the file. */
  dataSize: number;
  /** Tensor entries with well-formed fields, in header order. */
  tensors: TensorEntry[];
  /** `__metadata__`, when it is a map of strings to strings. */
  metadata?: Map<string, string>;
  /** Keys seen twice in one JSON object, as `path.key`. */
  duplicates: string[];
  /** Structure errors a loader rejects the file for (unknown dtype, size mismatch...). */
  issues: string[];
  offsetProblems: OffsetProblem[];
  /** Bytes after the last tensor first, then gaps between tensors in order. */
  unclaimed: UnclaimedRange[];
}
