import { closeSync, fsyncSync, openSync, writeSync } from 'node:fs';

/** Appends bytes to a new file through one descriptor, in order; `finish` syncs it to disk. */
export class SequentialWriter {
  private fd: number | undefined;
  written = 0;

  constructor(readonly path: string) {
    // 'wx': never follow or overwrite something already at the temporary path.
    this.fd = openSync(path, 'wx', 0o644);
  }

  write(bytes: Buffer): void {
    if (this.fd === undefined) throw new Error('SequentialWriter used after close');
    for (let done = 0; done < bytes.length;) done += writeSync(this.fd, bytes, done, bytes.length - done);
    this.written += bytes.length;
  }

  /** Flushes to disk and closes. */
  finish(): void {
    if (this.fd === undefined) return;
    fsyncSync(this.fd);
    this.close();
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}
