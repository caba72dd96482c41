/** Random-access bytes: a file on disk or a buffer in memory. Reads are synchronous. */
export interface ByteSource {
  readonly size: number;
  /**
   * Bytes worth reading at a time, for readers that keep a window: large for local files,
   * small for remote ones, where every byte read is a byte fetched. Default 4 MiB.
   */
  readonly readSize?: number;
  /**
   * The file on disk that holds exactly these bytes, when there is one: readers that need a
   * real file (the HDF5 library) use it instead of copying the bytes out.
   */
  readonly path?: string;
  /** Up to `length` bytes from `offset`; fewer only at the end of the source. */
  read(offset: number, length: number): Buffer;
}

/** Bytes already in memory; reads are zero-copy views. */
export class BufferSource implements ByteSource {
  readonly size: number;
  constructor(readonly buffer: Buffer) {
    this.size = buffer.length;
  }
  read(offset: number, length: number): Buffer {
    const start = Math.min(Math.max(0, offset), this.size);
    return this.buffer.subarray(start, Math.min(this.size, start + Math.max(0, length)));
  }
}

/** A window [start, start+size) of another source, addressed from 0. */
export class SliceSource implements ByteSource {
  readonly readSize?: number;
  constructor(
    readonly inner: ByteSource,
    readonly start: number,
    readonly size: number,
  ) {
    this.readSize = inner.readSize;
  }
  read(offset: number, length: number): Buffer {
    const n = Math.max(0, Math.min(length, this.size - offset));
    return this.inner.read(this.start + offset, n);
  }
}
