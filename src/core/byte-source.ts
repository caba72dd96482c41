import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

/** Random-access bytes: a file on disk or a buffer in memory. Reads are synchronous. */
export interface ByteSource {
  readonly size: number;
  /**
   * Bytes worth reading at a time, for readers that keep a window: large for local files,
   * small for remote ones, where every byte read is a byte fetched. Default 4 MiB.
   */
  readonly readSize?: number;
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

/** A file read on demand through one descriptor, so large files are never held whole. */
export class FileSource implements ByteSource {
  readonly size: number;
  private fd: number | undefined;

  constructor(readonly path: string) {
    this.fd = openSync(path, 'r');
    this.size = fstatSync(this.fd).size;
  }

  read(offset: number, length: number): Buffer {
    if (this.fd === undefined) throw new Error('FileSource used after close');
    const n = Math.max(0, Math.min(length, this.size - offset));
    const out = Buffer.allocUnsafe(n);
    let done = 0;
    while (done < n) {
      const got = readSync(this.fd, out, done, n - done, offset + done);
      if (got === 0) break;
      done += got;
    }
    return done === n ? out : out.subarray(0, done);
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
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
