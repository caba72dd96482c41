import { MessageChannel, Worker, receiveMessageOnPort, type MessagePort } from 'node:worker_threads';
import { ModelgateError, type ErrorCode } from '../../core/errors.js';
import { HTTP_WORKER_SOURCE } from './worker-source.js';

/** One hop of a redirect, as the HTTP thread saw it. */
export interface Redirect {
  status: number;
  from: string;
  to: string;
  headers: Record<string, string>;
}

/** A wait the HTTP thread made before retrying (a 429, a 5xx, a broken connection). */
export interface RetryWait {
  reason: string;
  ms: number;
  ratelimit?: string;
  policy?: string;
}

/** An answer: status, lower-case headers, the final URL, and every redirect on the way. */
export interface HttpResponse {
  status: number;
  headers: Record<string, string>;
  url: string;
  redirects: Redirect[];
  waits: RetryWait[];
  body?: Buffer;
}

/** A finished download: what was written and its hashes. */
export interface DownloadResult extends HttpResponse {
  size?: number;
  sha256?: string;
  /** Git blob id (`sha1("blob <size>\0" + bytes)`), when asked for (`gitBlob`) with the expected size. */
  gitSha1?: string;
  /** Offsets a download resumed from (an `.incomplete` file, a broken connection). */
  resumedFrom?: number[];
}

export interface RequestOptions {
  method?: 'GET' | 'HEAD' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  /** Inclusive byte range. */
  range?: [number, number];
  /** Largest answer body accepted (default 64 MiB: API answers, range reads). */
  maxBody?: number;
}

export interface TransportOptions {
  /** Retries after a 429, a 5xx or a broken connection (default 5). */
  maxRetries?: number;
  /** First backoff for 5xx and broken connections, doubled each time (default 1000 ms). */
  backoffMs?: number;
  /** Longest rate-limit wait accepted before failing (default 120 s). */
  maxWaitMs?: number;
}

interface Reply {
  id: number;
  ok?: DownloadResult & { body?: ArrayBuffer };
  error?: { code: string; message: string };
  progress?: number;
}

const DEFAULT_MAX_BODY = 64 * 1024 * 1024;
/** Longest a synchronous read may block: a 64 MiB range on a slow link with retries. */
const SYNC_TIMEOUT_MS = 15 * 60_000;

function toError(e: { code: string; message: string }): ModelgateError {
  const code = (['HUB_RATE_LIMIT', 'NETWORK'].includes(e.code) ? e.code : 'NETWORK') as ErrorCode;
  return new ModelgateError(code, e.message);
}

function toResponse(ok: NonNullable<Reply['ok']>): DownloadResult {
  const { body, ...rest } = ok;
  return body === undefined ? rest : { ...rest, body: Buffer.from(body) };
}

/** One end of a synchronous line into the HTTP thread: a port, and the flag its answers raise. */
export interface SyncLine {
  port: MessagePort;
  flag: Int32Array;
}

/** Anything that answers HTTP requests synchronously (range reads of remote files). */
export interface SyncRequester {
  requestSync(url: string, options?: RequestOptions): HttpResponse;
}

function message(url: string, options: RequestOptions): Record<string, unknown> {
  return {
    kind: 'request',
    url,
    method: options.method ?? 'GET',
    headers: options.headers ?? {},
    body: options.body,
    range: options.range,
    maxBody: options.maxBody ?? DEFAULT_MAX_BODY,
  };
}

function settle(reply: Reply): DownloadResult {
  if (reply.error) throw toError(reply.error);
  return toResponse(reply.ok!);
}

/**
 * Synchronous requests over one line into the HTTP thread, from any thread (the transport's
 * own, or a scan worker's, whose line `HttpTransport.line()` made): the calling thread blocks
 * on the line's flag until the answer is in.
 */
export class SyncHttp implements SyncRequester {
  private nextId = 1;
  /** Requests made and answer bytes received through this line. */
  requests = 0;
  bytesReceived = 0;

  constructor(private readonly line: SyncLine) {}

  requestSync(url: string, options: RequestOptions = {}): HttpResponse {
    const id = this.nextId++;
    this.requests++;
    Atomics.store(this.line.flag, 0, 0);
    this.line.port.postMessage({ ...message(url, options), id });
    const deadline = Date.now() + SYNC_TIMEOUT_MS;
    for (;;) {
      const got = receiveMessageOnPort(this.line.port);
      if (got) {
        const res = settle(got.message as Reply);
        this.bytesReceived += res.body?.length ?? 0;
        return res;
      }
      const left = deadline - Date.now();
      if (left <= 0) throw new ModelgateError('NETWORK', `no answer from ${url} within ${SYNC_TIMEOUT_MS / 60_000} minutes`);
      Atomics.wait(this.line.flag, 0, 0, Math.min(left, 1000));
    }
  }

  close(): void {
    this.line.port.close();
  }
}

/**
 * The HTTP thread and the two ways to use it: `request`/`download` (async) and `requestSync`
 * (blocks the calling thread, for the synchronous engine reading a remote file by ranges).
 */
export class HttpTransport {
  private readonly worker: Worker;
  private readonly sync: SyncHttp;
  private readonly pending = new Map<number, { resolve(r: Reply): void; progress?: (n: number) => void }>();
  private nextId = 1;
  /** Bytes of answer bodies received, for the bench and `--verbose`. */
  bytesReceived = 0;
  requests = 0;

  constructor(options: TransportOptions = {}) {
    const { port1, port2 } = new MessageChannel();
    const flag = new Int32Array(new SharedArrayBuffer(4));
    this.sync = new SyncHttp({ port: port1, flag });
    this.worker = new Worker(HTTP_WORKER_SOURCE, {
      eval: true,
      workerData: {
        maxRetries: options.maxRetries ?? 5,
        backoffMs: options.backoffMs ?? 1000,
        maxWaitMs: options.maxWaitMs ?? 120_000,
        syncPort: port2,
        flag,
      },
      transferList: [port2],
    });
    this.worker.unref();
    this.worker.on('message', (m: Reply) => {
      const p = this.pending.get(m.id);
      if (!p) return;
      if (m.progress !== undefined) p.progress?.(m.progress);
      else {
        this.pending.delete(m.id);
        if (this.pending.size === 0) this.worker.unref();
        p.resolve(m);
      }
    });
  }

  private call(message: Record<string, unknown>, progress?: (n: number) => void): Promise<Reply> {
    const id = this.nextId++;
    this.requests++;
    this.worker.ref();
    return new Promise((resolve) => {
      this.pending.set(id, { resolve, progress });
      this.worker.postMessage({ ...message, id });
    });
  }

  private settle(reply: Reply): DownloadResult {
    const res = settle(reply);
    this.bytesReceived += res.body?.length ?? 0;
    return res;
  }

  /**
   * A new synchronous line into this transport's HTTP thread, to hand (transferred) to another
   * thread that reads remote files by ranges: a scan worker. The line's requests are counted by
   * the `SyncHttp` at its other end, not here.
   */
  line(): { line: SyncLine; transfer: MessagePort[] } {
    const { port1, port2 } = new MessageChannel();
    const flag = new Int32Array(new SharedArrayBuffer(4));
    this.worker.postMessage({ kind: 'attach', port: port2, flag }, [port2]);
    return { line: { port: port1, flag }, transfer: [port1] };
  }

  /** An HTTP request; the body is read whole (up to `maxBody`). */
  async request(url: string, options: RequestOptions = {}): Promise<HttpResponse> {
    return this.settle(await this.call(message(url, options)));
  }

  /** The same request, blocking this thread until the answer is in. */
  requestSync(url: string, options: RequestOptions = {}): HttpResponse {
    this.requests++;
    const res = this.sync.requestSync(url, options);
    this.bytesReceived += res.body?.length ?? 0;
    return res;
  }

  /**
   * Streams `url` to the file `dest`, resuming from what `dest` already holds, and hashes the
   * whole file (SHA-256, and the git blob id when `gitBlob` and `expectedSize` are given).
   */
  async download(
    url: string,
    dest: string,
    options: { headers?: Record<string, string>; expectedSize?: number; gitBlob?: boolean; onProgress?: (bytes: number) => void },
  ): Promise<DownloadResult> {
    const reply = await this.call(
      { kind: 'download', url, dest, headers: options.headers ?? {}, expectedSize: options.expectedSize, gitBlob: options.gitBlob === true },
      options.onProgress,
    );
    const res = this.settle(reply);
    if (res.size !== undefined) this.bytesReceived += res.size - (res.resumedFrom?.[0] ?? 0);
    return res;
  }

  async close(): Promise<void> {
    this.sync.close();
    await this.worker.terminate();
  }
}
