import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { finished } from 'node:stream/promises';
import { join } from 'node:path';
import { ModelgateError } from '../core/errors.js';

/** A stored blob: its SHA-256 (the name it is stored under) and size. */
export interface StoredBlob {
  sha256: string;
  size: number;
}

const SHA256 = /^[0-9a-f]{64}$/;

/**
 * Content-addressed files on disk: `blobs/sha256/ab/abcdef…`. A blob is written to a private
 * temporary file while it is hashed and renamed into place only when complete, so a reader
 * never sees half a blob and a crash leaves only temporary files (removed on open).
 */
export class BlobStore {
  private readonly root: string;
  private readonly tmp: string;

  constructor(dataDir: string) {
    this.root = join(dataDir, 'blobs', 'sha256');
    this.tmp = join(dataDir, 'blobs', 'tmp');
    rmSync(this.tmp, { recursive: true, force: true });
    mkdirSync(this.tmp, { recursive: true });
    mkdirSync(this.root, { recursive: true });
  }

  /** Where a blob is on disk (whether or not it is there). */
  path(sha256: string): string {
    if (!SHA256.test(sha256)) throw new ModelgateError('USAGE', `not a SHA-256: ${sha256}`);
    return join(this.root, sha256.slice(0, 2), sha256);
  }

  has(sha256: string): boolean {
    return existsSync(this.path(sha256));
  }

  size(sha256: string): number {
    return statSync(this.path(sha256)).size;
  }

  /**
   * Stores a stream of bytes, refusing it (TOO_LARGE, nothing kept) once it passes `maxBytes`.
   * When `expected` is given the bytes must have that SHA-256 (a Hub LFS file), or nothing is kept.
   */
  async put(chunks: AsyncIterable<Uint8Array>, maxBytes: number, expected?: string): Promise<StoredBlob> {
    const temp = join(this.tmp, randomUUID());
    const out = createWriteStream(temp, { flags: 'wx' });
    const hash = createHash('sha256');
    let size = 0;
    try {
      for await (const chunk of chunks) {
        size += chunk.byteLength;
        if (size > maxBytes) throw new ModelgateError('TOO_LARGE', `more than ${maxBytes} bytes`);
        hash.update(chunk);
        if (!out.write(chunk)) await new Promise<void>((r) => out.once('drain', () => r()));
      }
      out.end();
      await finished(out);
      const sha256 = hash.digest('hex');
      if (expected !== undefined && expected !== sha256) throw new ModelgateError('VERIFY_MISMATCH', `the bytes have SHA-256 ${sha256}, not ${expected}`);
      const dest = this.path(sha256);
      mkdirSync(join(dest, '..'), { recursive: true });
      // Same content, same name: a blob already stored is simply kept.
      if (existsSync(dest)) rmSync(temp);
      else renameSync(temp, dest);
      return { sha256, size };
    } catch (e) {
      out.destroy();
      rmSync(temp, { force: true });
      throw e;
    }
  }
}
