import { createHash } from 'node:crypto';
import { closeSync, openSync, readSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';

/**
 * The worker's source: SHA-256 of a whole file or of a byte range of it, in 4 MiB reads (64 KiB
 * stream chunks halve the rate), double-buffered so reading the next chunk overlaps hashing this
 * one. A range that the file ends before is an error, never a short digest. Kept as a string
 * so the pool works the same from compiled code and from TypeScript sources under test.
 */
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { open } = require('node:fs/promises');
const { read } = require('node:fs');
const { createHash } = require('node:crypto');
const CHUNK = 4 * 1024 * 1024;
const buffers = [Buffer.allocUnsafe(CHUNK), Buffer.allocUnsafe(CHUNK)];
// A descriptor another thread opened (threads share them): read, never closed here.
function borrowed(fd) {
  return {
    read: (buffer, offset, length, position) =>
      new Promise((resolve, reject) => read(fd, buffer, offset, length, position, (e, bytesRead) => (e ? reject(e) : resolve({ bytesRead })))),
    close: async () => undefined,
  };
}
async function hashFile(path, start, length, fd) {
  const file = fd === undefined ? await open(path, 'r') : borrowed(fd);
  try {
    const hash = createHash('sha256');
    const ranged = start !== undefined;
    let at = ranged ? start : 0;
    let left = ranged ? length : Infinity;
    const next = (buffer) => (left > 0 ? file.read(buffer, 0, Math.min(CHUNK, left), at) : Promise.resolve({ bytesRead: 0 }));
    let turn = 0;
    let pending = next(buffers[0]);
    for (;;) {
      const { bytesRead } = await pending;
      if (bytesRead === 0) break;
      at += bytesRead;
      left -= bytesRead;
      const current = buffers[turn];
      turn ^= 1;
      // The next read runs on the I/O pool while this thread hashes the current chunk.
      pending = next(buffers[turn]);
      hash.update(current.subarray(0, bytesRead));
    }
    if (ranged && left > 0) throw new Error(path + ' ends at ' + at + ', before the ' + length + ' bytes wanted at ' + start);
    return hash.digest('hex');
  } finally {
    await file.close();
  }
}
let queue = Promise.resolve();
parentPort.on('message', ({ id, path, start, length, fd }) => {
  queue = queue.then(() => hashFile(path, start, length, fd)).then(
    (hex) => parentPort.postMessage({ id, hex }),
    (e) => parentPort.postMessage({ id, error: String((e && e.message) || e) }),
  );
});
`;

/**
 * Ranges up to this size are hashed in the calling thread: a thread costs ~50 ms of CPU to start
 * (a one-file pre-commit scan would pay it for 20 bytes), a MiB ~2 ms to hash (issue 16).
 */
const HASH_HERE_BYTES = 1024 * 1024;

/** The worker's hashing, in the calling thread: exactly the range asked for, through the descriptor when given. */
function hashHere({ path, start = 0, length, fd }: { path: string; start?: number; length?: number; fd?: number }): string {
  const handle = fd ?? openSync(path, 'r');
  try {
    const hash = createHash('sha256');
    const chunk = Buffer.allocUnsafe(Math.min(4 * 1024 * 1024, length ?? Infinity));
    let at = start;
    let left = length ?? Infinity;
    while (left > 0) {
      const got = readSync(handle, chunk, 0, Math.min(chunk.length, left), at);
      if (got === 0) break;
      hash.update(chunk.subarray(0, got));
      at += got;
      left -= got;
    }
    if (length !== undefined && left > 0) throw new Error(`${path} ends at ${at}, before the ${length} bytes wanted at ${start}`);
    return hash.digest('hex');
  } finally {
    if (fd === undefined) closeSync(handle);
  }
}

interface Pending {
  resolve(hex: string): void;
  reject(e: Error): void;
}

/**
 * A pool of hashing threads, up to one per core, so many files hash in parallel. Threads start
 * as work arrives (a one-file scan starts one), each holding a few MB.
 */
export class HashPool {
  private readonly workers: Worker[] = [];
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;
  private turn = 0;
  private readonly size: number;

  constructor(size = availableParallelism()) {
    this.size = Math.max(1, size);
  }

  /** The thread for the next request: a new one while fewer than `size` run, then each in turn. */
  private nextWorker(): Worker {
    if (this.workers.length < this.size && this.pending.size >= this.workers.length) {
      const w = new Worker(WORKER_SOURCE, { eval: true });
      w.on('message', (m: { id: number; hex?: string; error?: string }) => {
        const p = this.pending.get(m.id);
        this.pending.delete(m.id);
        if (m.hex !== undefined) p?.resolve(m.hex);
        else p?.reject(new Error(m.error ?? 'hash failed'));
      });
      this.workers.push(w);
      return w;
    }
    return this.workers[this.turn++ % this.workers.length]!;
  }

  /** SHA-256 of a file, hex; with `range`, of its `length` bytes from `start` (rejected when the file is shorter). */
  hash(path: string, range?: { start: number; length: number }): Promise<string> {
    return this.send({ path, start: range?.start, length: range?.length });
  }

  /**
   * SHA-256 of exactly `size` bytes read through an open descriptor of this process (the one a
   * scan reads): the bytes hashed are the bytes judged, whatever happens to the path meanwhile.
   * Rejected when the file ends before `size`. The descriptor must stay open until it settles.
   */
  hashDescriptor(fd: number, path: string, size: number): Promise<string> {
    return this.send({ path, start: 0, length: size, fd });
  }

  private send(message: { path: string; start?: number; length?: number; fd?: number }): Promise<string> {
    // Under Node's permission model without --allow-worker, hash in this thread instead.
    const permission = (process as { permission?: { has(scope: string): boolean } }).permission;
    if (permission !== undefined && !permission.has('worker')) return Promise.resolve().then(() => hashHere(message));
    if (message.length !== undefined && message.length <= HASH_HERE_BYTES) return Promise.resolve().then(() => hashHere(message));
    const id = this.nextId++;
    const worker = this.nextWorker();
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      worker.postMessage({ id, ...message });
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
