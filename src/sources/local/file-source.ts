import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import type { ByteSource } from '../../core/byte-source.js';

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
