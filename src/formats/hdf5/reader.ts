import { closeSync, openSync, rmSync, writeSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { MessageChannel, Worker, receiveMessageOnPort, threadId, type MessagePort } from 'node:worker_threads';
import type { ByteSource } from '../../core/byte-source.js';
import { ModelgateError } from '../../core/errors.js';
import { privateTempDir } from './temp-dir.js';
import { HDF5_WORKER_SOURCE } from './worker-source.js';

/**
 * Reads the root attributes of an HDF5 file with the real HDF5 library (libhdf5 built for
 * WebAssembly by h5wasm), synchronously, in a worker thread the calling thread blocks on
 * (Atomics.wait, then receiveMessageOnPort). The thread is what makes libhdf5 safe to point at
 * hostile files, as fuzzing showed: a corrupt file can make it abort() (the instance is then
 * dead), loop forever, or leave a file open that the next file is mistaken for. A thread that
 * aborts, times out or fails after opening a file is dropped and the next file gets a fresh one.
 *
 * Only attributes are read: no dataset, so no filter plugin is ever loaded, and no link is
 * followed. h5wasm's Node build (Emscripten NODERAWFS) reads the host file system directly, so
 * bytes that are not on disk (zip members) are copied to a file in the process's private
 * temporary folder first (temp-dir.ts), removed when the read is over.
 */

/** Time a fresh thread may take to load the library (WebAssembly compile on a busy machine). */
const STARTUP_MS = 60_000;
/**
 * Time one file may take: FILE_MS, plus FILE_MS_PER_GIB for each GiB of it, at most
 * MAX_FILE_MS. Only the superblock and the root group's header and attributes are read, so
 * real files take milliseconds whatever their size (measured: the .h5 files of eval/corpus and
 * test/fixtures 1 to 15 ms, a 420 MB file with 200 root attributes 65 ms from a cold cache); the
 * size term is for slow disks. A crafted file can make libhdf5 loop forever
 * (test/fixtures/keras/loops-forever.h5), and this is what each such file costs.
 */
const FILE_MS = 3_000;
const FILE_MS_PER_GIB = 1_000;
const MAX_FILE_MS = 20_000;
/** Bytes written at a time when in-memory content is copied to disk. */
const COPY_CHUNK = 4 * 1024 * 1024;

/** A root attribute: its text when it is a single string, otherwise why not. */
export interface Hdf5Attribute {
  name: string;
  text?: string;
  problem?: string;
}

/** What was read from the file's root group. */
export interface Hdf5Root {
  /** Names of all root attributes. */
  names: string[];
  /** The requested attributes that exist. */
  attributes: Map<string, Hdf5Attribute>;
}

interface Reply {
  id: number;
  names?: string[];
  attributes?: Hdf5Attribute[];
  error?: string;
  /** The thread's library instance may not be used again. */
  fatal?: boolean;
}

interface Channel {
  worker: Worker;
  port: MessagePort;
  flag: Int32Array;
  nextId: number;
  ready: boolean;
}

let channel: Channel | undefined;

function start(): Channel {
  const { port1, port2 } = new MessageChannel();
  const flag = new Int32Array(new SharedArrayBuffer(4));
  flag[0] = -1;
  const factoryUrl = new URL('./hdf5_util.js', import.meta.resolve('h5wasm/node')).href;
  let worker: Worker;
  try {
    worker = new Worker(HDF5_WORKER_SOURCE, { eval: true, workerData: { port: port2, flag, factoryUrl }, transferList: [port2] });
  } catch (e) {
    port1.close();
    // Node's permission model without --allow-worker: libhdf5 is never run in this thread.
    throw new ModelgateError('UNSUPPORTED', `the HDF5 library needs a worker thread, which could not start: ${(e as Error).message}`, { cause: e });
  }
  // The thread never keeps the process alive, and its failures are read from its replies.
  worker.unref();
  worker.on('error', () => undefined);
  return { worker, port: port1, flag, nextId: 1, ready: false };
}

function discard(ch: Channel): void {
  if (channel === ch) channel = undefined;
  ch.port.close();
  ch.worker.terminate().catch(() => undefined);
}

/** Blocks until the thread has answered request `id`, or `ms` have passed. */
function waitFor(ch: Channel, id: number, ms: number): Reply | undefined {
  const deadline = Date.now() + ms;
  for (;;) {
    const seen = Atomics.load(ch.flag, 0);
    if (seen === id) break;
    const left = deadline - Date.now();
    if (left <= 0) return undefined;
    Atomics.wait(ch.flag, 0, seen, left);
  }
  // The reply is posted before the flag is stored; allow its delivery a moment all the same.
  for (let i = 0; i < 1000; i++) {
    const got = receiveMessageOnPort(ch.port);
    if (got) return got.message as Reply;
    Atomics.wait(ch.flag, 0, id, 1);
  }
  return undefined;
}

/** The thread, loaded; throws UNSUPPORTED when the library cannot be loaded. */
function ready(): Channel {
  const ch = (channel ??= start());
  if (ch.ready) return ch;
  const reply = waitFor(ch, 0, STARTUP_MS);
  if (!reply || reply.error !== undefined) {
    discard(ch);
    throw new ModelgateError('UNSUPPORTED', reply?.error ?? `the HDF5 library did not load within ${STARTUP_MS / 1000} s`);
  }
  ch.ready = true;
  return ch;
}

/**
 * Starts loading the HDF5 library in its thread (about 0.3 s) without waiting for a file to
 * need it. Optional: `scanHdf5` loads it on first use anyway.
 */
export async function initHdf5(): Promise<void> {
  const ch = (channel ??= start());
  const deadline = Date.now() + STARTUP_MS;
  while (Atomics.load(ch.flag, 0) < 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
}

/** True when a thread with the library loaded is waiting for files. */
export function hdf5Ready(): boolean {
  return channel !== undefined && Atomics.load(channel.flag, 0) >= 0;
}

/** The most specific line of an HDF5 error stack ("... in H5F__super_read(): truncated file ..."). */
function hdf5Reason(text: string): ModelgateError {
  const last = [...text.matchAll(/#\d+: .* in ([A-Za-z0-9_]+)\(\): (.*)/g)].at(-1);
  const reason = last ? `${last[2]} (${last[1]})` : text.split('\n')[0]!.slice(0, 300);
  return new ModelgateError(/truncated|eof/i.test(reason) ? 'TRUNCATED' : 'MALFORMED', `HDF5: ${reason}`);
}

/** The time libhdf5 is given for a file of `size` bytes. */
export function hdf5Timeout(size: number): number {
  return Math.min(MAX_FILE_MS, FILE_MS + Math.floor((size / 2 ** 30) * FILE_MS_PER_GIB));
}

let copies = 0;

/** Copies a source to a new file in the private temporary folder, chunk by chunk. */
function copyToTemp(source: ByteSource, maxBytes: number): string {
  if (source.size > maxBytes)
    throw new ModelgateError('LIMIT_MEMBER_BYTES', `HDF5 content of ${source.size} bytes is over the ${maxBytes}-byte limit for copying it out of an archive`);
  // Unique among the threads of the process (a scan worker each).
  const path = join(privateTempDir(), `${threadId}-${++copies}.h5`);
  try {
    const fd = openSync(path, 'wx', 0o600);
    try {
      for (let at = 0; at < source.size; at += COPY_CHUNK) writeSync(fd, source.read(at, COPY_CHUNK));
    } finally {
      closeSync(fd);
    }
  } catch (e) {
    rmSync(path, { force: true });
    throw new ModelgateError('UNREADABLE', `could not copy HDF5 content to a temporary file: ${(e as Error).message}`, { cause: e });
  }
  return path;
}

/**
 * Opens an HDF5 file read-only and reads the named root attributes. Synchronous. Throws a
 * ModelgateError: TRUNCATED or MALFORMED (with HDF5's reason) when the library cannot read the
 * file or does not finish within `timeoutMs` (default by size, hdf5Timeout); LIMIT_MEMBER_BYTES when in-memory content is too
 * big to copy to disk; UNSUPPORTED when the library cannot be loaded.
 */
export function readHdf5Root(source: ByteSource, wanted: readonly string[], opts: { maxCopyBytes: number; maxChars: number; timeoutMs?: number }): Hdf5Root {
  const temp = source.path === undefined ? copyToTemp(source, opts.maxCopyBytes) : undefined;
  try {
    const ch = ready();
    const id = ch.nextId++;
    const timeout = opts.timeoutMs ?? hdf5Timeout(source.size);
    ch.port.postMessage({ id, path: temp ?? resolve(source.path ?? ''), wanted, maxChars: opts.maxChars });
    const reply = waitFor(ch, id, timeout);
    if (!reply) {
      discard(ch);
      throw new ModelgateError('MALFORMED', `HDF5: the library did not finish reading the file within ${timeout / 1000} s`);
    }
    if (reply.error !== undefined) {
      if (reply.fatal) discard(ch);
      throw hdf5Reason(reply.error);
    }
    return { names: reply.names ?? [], attributes: new Map((reply.attributes ?? []).map((a) => [a.name, a])) };
  } finally {
    if (temp) rmSync(temp, { force: true });
  }
}
