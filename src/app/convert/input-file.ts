import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { FileSource } from '../../sources/local/file-source.js';

/**
 * The checkpoint being converted, opened once: a FileSource for the parsers, and reads into
 * caller-owned buffers for tensor bytes, so copying gigabytes allocates nothing per chunk.
 */
export class InputFile {
  readonly source: FileSource;
  readonly size: number;
  private readonly fd: number;

  constructor(readonly path: string) {
    this.source = new FileSource(path);
    this.fd = openSync(path, 'r');
    this.size = fstatSync(this.fd).size;
  }

  /** Fills `into[0, length)` from file offset `position`; throws when the file ends first. */
  readInto(into: Buffer, length: number, position: number): void {
    let done = 0;
    while (done < length) {
      const got = readSync(this.fd, into, done, length - done, position + done);
      if (got === 0) throw new Error(`${this.path} ends at ${position + done}, before the ${length} bytes wanted at ${position}`);
      done += got;
    }
  }

  close(): void {
    this.source.close();
    closeSync(this.fd);
  }
}
