import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { parseRange } from './range.js';

/** Bytes to answer with: a blob on disk (streamed, never read whole) or a small buffer. */
export type ByteSource = { kind: 'disk'; path: string; size: number } | { kind: 'buffer'; bytes: Buffer };

const sizeOf = (source: ByteSource): number => (source.kind === 'disk' ? source.size : source.bytes.length);

function body(source: ByteSource, start: number, end: number): BodyInit {
  if (source.kind === 'buffer') return new Uint8Array(source.bytes.subarray(start, end + 1));
  // A MiB a read: big files go out at disk speed without holding more than that in memory.
  const stream = createReadStream(source.path, { start, end, highWaterMark: 1 << 20 });
  return Readable.toWeb(stream) as ReadableStream<Uint8Array>;
}

/**
 * Answers GET or HEAD with the bytes, honouring one `Range` (206 with Content-Range, 416 when
 * unsatisfiable). HEAD opens nothing. `headers` are the caller's (ETag, X-Repo-Commit, …).
 */
export function serveBytes(method: string, rangeHeader: string | undefined, source: ByteSource, headers: Record<string, string>): Response {
  const size = sizeOf(source);
  const range = parseRange(rangeHeader, size);
  const common = { 'accept-ranges': 'bytes', 'content-type': 'application/octet-stream', ...headers };
  if (range === 'unsatisfiable') return new Response(null, { status: 416, headers: { ...common, 'content-range': `bytes */${size}` } });
  const { start, end } = range ?? { start: 0, end: size - 1 };
  const length = Math.max(0, end - start + 1);
  const status = range ? 206 : 200;
  const all: Record<string, string> = { ...common, 'content-length': String(length) };
  if (range) all['content-range'] = `bytes ${start}-${end}/${size}`;
  if (method === 'HEAD' || length === 0) return new Response(null, { status, headers: all });
  return new Response(body(source, start, end), { status, headers: all });
}
