import type { ByteSource } from '../../core/byte-source.js';
import { ModelgateError } from '../../core/errors.js';
import type { SyncRequester } from './transport.js';

/** Unit of the block cache: small enough that a zip member's header costs little. */
const BLOCK = 64 * 1024;
/** Largest single range request; sequential reading grows up to it. */
const MAX_FETCH = 16 * 1024 * 1024;
/** Blocks kept; older ones are dropped (the engine reads mostly forward). */
const MAX_CACHED_BYTES = 128 * 1024 * 1024;

/** What range reads of one scan cost, for reports and the bench. */
export interface FetchStats {
  requests: number;
  bytes: number;
}

/**
 * A remote file read by HTTP range requests, synchronously (the transport blocks this thread),
 * so the engine's parsers read a Hub file as they read a local one, and fetch only what they
 * touch: a safetensors header, a zip's central directory and its pickle members.
 *
 * Reads go through a cache of 64 KiB blocks. A read that continues the previous one doubles the
 * next request (up to 16 MiB), so a whole-file parse (a raw pickle) costs few requests. The
 * first request goes to the resolver URL and follows its redirect to the storage URL; later
 * requests go to the storage URL directly, and back through the resolver if that URL expired.
 */
export class RemoteSource implements ByteSource {
  /** Parsers' windows stay one block: the read-ahead below grows when reading is sequential. */
  readonly readSize = BLOCK;
  private readonly blocks = new Map<number, Buffer>();
  private cachedBytes = 0;
  private storageUrl: string | undefined;
  private nextSequential = -1;
  private ahead = BLOCK;

  constructor(
    private readonly http: SyncRequester,
    readonly resolveUrl: string,
    readonly size: number,
    readonly headers: Record<string, string>,
    private readonly stats: FetchStats,
  ) {}

  read(offset: number, length: number): Buffer {
    const start = Math.max(0, Math.min(offset, this.size));
    const end = Math.min(this.size, start + Math.max(0, length));
    if (end <= start) return Buffer.alloc(0);
    const sequential = start === this.nextSequential;
    this.ahead = sequential ? Math.min(MAX_FETCH, this.ahead * 2) : BLOCK;
    this.nextSequential = end;
    const first = Math.floor(start / BLOCK);
    const last = Math.floor((end - 1) / BLOCK);
    const parts: Buffer[] = [];
    for (let b = first; b <= last;) {
      const cached = this.blocks.get(b);
      if (cached) {
        parts.push(cached);
        b++;
        continue;
      }
      // Fetch the run of missing blocks from here, plus the read-ahead.
      let runEnd = b;
      while (runEnd < last && !this.blocks.has(runEnd + 1)) runEnd++;
      const wantEnd = Math.min(this.size, Math.max((runEnd + 1) * BLOCK, end + (sequential ? this.ahead : 0)));
      const fetched = this.fetch(b * BLOCK, Math.min(wantEnd, b * BLOCK + MAX_FETCH));
      for (let i = 0; i * BLOCK < fetched.length; i++) this.keep(b + i, fetched.subarray(i * BLOCK, (i + 1) * BLOCK));
      const used = Math.min(runEnd - b + 1, Math.ceil(fetched.length / BLOCK));
      for (let i = 0; i < used; i++) parts.push(this.blocks.get(b + i) ?? fetched.subarray(i * BLOCK, (i + 1) * BLOCK));
      b += used;
    }
    const all = parts.length === 1 ? parts[0]! : Buffer.concat(parts);
    const from = start - first * BLOCK;
    return all.subarray(from, from + (end - start));
  }

  private keep(block: number, bytes: Buffer): void {
    // A copy, so a block does not pin the whole answer it came in.
    this.blocks.set(block, Buffer.from(bytes));
    this.cachedBytes += bytes.length;
    for (const [key, value] of this.blocks) {
      if (this.cachedBytes <= MAX_CACHED_BYTES) break;
      this.blocks.delete(key);
      this.cachedBytes -= value.length;
    }
  }

  /** Bytes [start, end) in one range request, checked against what was asked. */
  private fetch(start: number, end: number): Buffer {
    const range: [number, number] = [start, end - 1];
    const url = this.storageUrl ?? this.resolveUrl;
    let res = this.http.requestSync(url, { headers: this.headers, range, maxBody: MAX_FETCH + BLOCK });
    if ((res.status === 401 || res.status === 403) && this.storageUrl) {
      // A signed storage URL expires: ask the resolver again.
      this.storageUrl = undefined;
      res = this.http.requestSync(this.resolveUrl, { headers: this.headers, range, maxBody: MAX_FETCH + BLOCK });
    }
    this.storageUrl ??= res.url;
    this.stats.requests++;
    const body = res.body ?? Buffer.alloc(0);
    this.stats.bytes += body.length;
    if (res.status === 200 && body.length === this.size) return body.subarray(start, end);
    if (res.status !== 206) throw new ModelgateError('NETWORK', `range read of ${this.resolveUrl} answered HTTP ${res.status}`);
    const cr = /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(res.headers['content-range'] ?? '');
    if (!cr || Number(cr[1]) !== start || body.length !== Number(cr[2]) - start + 1 || body.length !== end - start) {
      throw new ModelgateError(
        'NETWORK',
        `range read of ${this.resolveUrl}: asked bytes ${start}-${end - 1}, got ${res.headers['content-range'] ?? 'no Content-Range'} with ${body.length} bytes`,
      );
    }
    if (cr[3] !== '*' && Number(cr[3]) !== this.size) {
      throw new ModelgateError('NETWORK', `${this.resolveUrl} is ${cr[3]} bytes, but the listing says ${this.size}`);
    }
    return body;
  }
}
