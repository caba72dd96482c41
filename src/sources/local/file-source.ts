import { closeSync, constants, fstatSync, openSync, readSync, type BigIntStats } from 'node:fs';
import type { ByteSource } from '../../core/byte-source.js';
import { ModelgateError } from '../../core/errors.js';

export interface FileSourceOptions {
  /** Refuse a symbolic link (O_NOFOLLOW): a walked entry swapped for a link after the walk is not followed. */
  noFollow?: boolean;
}

/** What tells whether the bytes behind a descriptor moved: size, times (ctime moves on every write) and links. */
type Identity = Pick<BigIntStats, 'size' | 'mtimeNs' | 'ctimeNs' | 'nlink'>;

function identityOf(fd: number): Identity {
  const st = fstatSync(fd, { bigint: true });
  return { size: st.size, mtimeNs: st.mtimeNs, ctimeNs: st.ctimeNs, nlink: st.nlink };
}

function kindOf(st: BigIntStats): string {
  if (st.isFIFO()) return 'a FIFO';
  if (st.isSocket()) return 'a socket';
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'a device';
  if (st.isDirectory()) return 'a directory';
  return 'not a regular file';
}

/**
 * A file read on demand through one descriptor, so large files are never held whole. The
 * descriptor is the one truth about the file: the scan, its hash and any worker thread read
 * through it (threads share descriptors), never by reopening the path, so the verdict and the
 * hash are always of the same bytes; `changed()` tells when they moved under it or the path
 * no longer names them. Only
 * `size` bytes, taken when it was opened, are ever read: a special file that looks regular
 * (under /proc, size 0) is never read to an end it may not have.
 */
export class FileSource implements ByteSource {
  readonly size: number;
  private fd: number | undefined;
  private readonly identity: Identity;

  /**
   * Opens `path` without blocking on a FIFO (O_NONBLOCK) and refuses anything but a regular
   * file (SPECIAL_FILE). With `fd`, reads through that descriptor instead, owned by someone else.
   */
  constructor(
    readonly path: string,
    options: FileSourceOptions & { fd?: number } = {},
    private readonly owned = options.fd === undefined,
  ) {
    const flags = constants.O_RDONLY | constants.O_NONBLOCK | (options.noFollow ? constants.O_NOFOLLOW : 0);
    const fd = options.fd ?? openSync(path, flags);
    const st = fstatSync(fd, { bigint: true });
    if (!st.isFile()) {
      if (this.owned) closeSync(fd);
      throw new ModelgateError('SPECIAL_FILE', `${path} is ${kindOf(st)} and was not read`);
    }
    this.fd = fd;
    this.identity = { size: st.size, mtimeNs: st.mtimeNs, ctimeNs: st.ctimeNs, nlink: st.nlink };
    this.size = Number(st.size);
  }

  /** The open descriptor, for readers in other threads of this process (a scan worker, the hash pool). */
  get descriptor(): number {
    if (this.fd === undefined) throw new Error('FileSource used after close');
    return this.fd;
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

  /**
   * How the file changed since it was opened, or undefined when it did not. Any write moves
   * the change time (even one whose modification time is set back), and so does replacing or
   * removing the file at its path: then the path no longer holds the bytes judged, and a loader
   * of that path would read others. Both are reported.
   */
  changed(): string | undefined {
    if (this.fd === undefined) return undefined;
    const now = identityOf(this.fd);
    const was = this.identity;
    if (now.size !== was.size) return `its size changed from ${was.size} to ${now.size} bytes`;
    if (now.mtimeNs !== was.mtimeNs) return 'it was written to';
    if (now.nlink < was.nlink) return 'it was removed or replaced at its path; the path now holds other bytes or none';
    if (now.ctimeNs !== was.ctimeNs) return 'its change time moved (a write with its modification time set back, or new permissions)';
    return undefined;
  }

  close(): void {
    if (this.fd !== undefined && this.owned) closeSync(this.fd);
    this.fd = undefined;
  }
}
