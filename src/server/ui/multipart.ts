import { ModelgateError } from '../../core/errors.js';

/**
 * A streaming reader of `multipart/form-data` bodies (RFC 7578 over RFC 2046 §5.1): parts come
 * one at a time and a file part's bytes are streamed on (into the blob store) as they arrive,
 * never held whole. Everything it keeps is bounded: a header block, the preamble, the number of
 * parts, and a window of one delimiter's length while looking for the next boundary.
 */

export interface MultipartLimits {
  /** Bytes of one part's header block: a name, a filename and a type fit in far less. */
  maxHeaderBytes: number;
  /** Parts in one body: each file is a row and a scan entry; big sets go through the API. */
  maxParts: number;
  /** Bytes before the first boundary, which browsers never send. */
  maxPreambleBytes: number;
}

export const DEFAULT_MULTIPART_LIMITS: MultipartLimits = { maxHeaderBytes: 8 * 1024, maxParts: 1000, maxPreambleBytes: 1024 };

/** One part of a form: its field name, its file name for a file input, and its bytes. */
export interface FormPart {
  name: string;
  filename?: string;
  /** The part's bytes, streamed: read them (or not) before asking for the next part. */
  body: AsyncIterable<Uint8Array>;
}

/** The boundary of a `multipart/form-data` content type (RFC 2046: 1–70 characters of its set). */
export function boundaryOf(contentType: string | undefined): string {
  const type = contentType ?? '';
  if (!/^multipart\/form-data\s*;/i.test(type)) throw new ModelgateError('USAGE', 'the form is not multipart/form-data');
  const m = /;\s*boundary=(?:"([^"]{1,70})"|([^\s;"]{1,70}))(?:\s*;|\s*$)/i.exec(type);
  const boundary = m?.[1] ?? m?.[2];
  if (!boundary || !/^[0-9A-Za-z'()+_,\-./:=? ]*[0-9A-Za-z'()+_,\-./:=?]$/.test(boundary)) throw new ModelgateError('USAGE', 'the form has no valid boundary');
  return boundary;
}

/** HTML's form encoding escapes `"`, CR and LF in names and file names as %22, %0D, %0A (and nothing else). */
function unescapeName(value: string): string {
  return value.replace(/%22/gi, '"').replace(/%0D/gi, '\r').replace(/%0A/gi, '\n');
}

/** The name and filename of a part, from its `Content-Disposition: form-data; name=…; filename=…`. */
function disposition(headerBlock: string): { name: string; filename?: string } {
  for (const line of headerBlock.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon < 0 || line.slice(0, colon).trim().toLowerCase() !== 'content-disposition') continue;
    const value = line.slice(colon + 1).trim();
    if (!/^form-data\s*(;|$)/i.test(value)) break;
    const params = new Map<string, string>();
    for (const m of value.matchAll(/;\s*([\w*-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;\s]*))/g))
      params.set(m[1]!.toLowerCase(), m[2] !== undefined ? m[2].replace(/\\(.)/g, '$1') : (m[3] ?? ''));
    const name = params.get('name');
    if (name === undefined) break;
    const filename = params.get('filename');
    return { name: unescapeName(name), ...(filename !== undefined ? { filename: unescapeName(filename) } : {}) };
  }
  throw new ModelgateError('MALFORMED', 'a form part has no Content-Disposition: form-data with a name');
}

/** A buffered window over the body's chunks. */
class Window {
  buf: Buffer;
  private ended = false;
  constructor(
    private readonly chunks: AsyncIterator<Uint8Array>,
    start: Buffer,
  ) {
    this.buf = start;
  }

  /** Appends the next chunk; false at the end of the body. */
  async more(): Promise<boolean> {
    if (this.ended) return false;
    const next = await this.chunks.next();
    if (next.done) {
      this.ended = true;
      return false;
    }
    const chunk = Buffer.from(next.value.buffer, next.value.byteOffset, next.value.byteLength);
    this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
    return true;
  }

  /** Waits for `n` bytes; MALFORMED when the body ends first. */
  async need(n: number): Promise<void> {
    while (this.buf.length < n) if (!(await this.more())) throw new ModelgateError('MALFORMED', 'the form ends in the middle of a part');
  }

  /** The bytes up to `marker` (the marker consumed), at most `max` of them. */
  async until(marker: Buffer, max: number, what: string): Promise<Buffer> {
    for (;;) {
      const at = this.buf.indexOf(marker);
      if (at >= 0 && at <= max) {
        const head = this.buf.subarray(0, at);
        this.buf = this.buf.subarray(at + marker.length);
        return head;
      }
      if (this.buf.length > max + marker.length) throw new ModelgateError('TOO_LARGE', `${what} is over ${max} bytes`);
      if (!(await this.more())) throw new ModelgateError('MALFORMED', `the form ends inside ${what}`);
    }
  }
}

/**
 * The parts of a multipart body, in order. A part's `body` must be read to its end, or left
 * unread, before the next part is asked for; a part abandoned half-read ends the form.
 */
export async function* multipartParts(body: AsyncIterable<Uint8Array>, boundary: string, limits = DEFAULT_MULTIPART_LIMITS): AsyncGenerator<FormPart> {
  // RFC 2046: each boundary is CRLF "--" boundary; a CRLF put in front lets the first one match too.
  const delimiter = Buffer.from(`\r\n--${boundary}`);
  const crlf2 = Buffer.from('\r\n\r\n');
  const window = new Window(body[Symbol.asyncIterator](), Buffer.from('\r\n'));
  await window.until(delimiter, limits.maxPreambleBytes, 'the preamble');
  for (let parts = 0; ; parts++) {
    await window.need(2);
    if (window.buf[0] === 0x2d && window.buf[1] === 0x2d) return; // "--": the close delimiter; the epilogue is not read
    // Transport padding (spaces, tabs) may follow a boundary before its CRLF.
    const eol = await window.until(Buffer.from('\r\n'), 256, 'a boundary line');
    if (!/^[ \t]*$/.test(eol.toString('latin1'))) throw new ModelgateError('MALFORMED', 'a form boundary is followed by other text');
    if (parts >= limits.maxParts) throw new ModelgateError('TOO_LARGE', `a form has at most ${limits.maxParts} parts`);
    const headerBlock = (await window.until(crlf2, limits.maxHeaderBytes, "a part's headers")).toString('utf8');
    const { name, filename } = disposition(headerBlock);
    let finished = false;
    let started = false;
    const partBody = async function* (): AsyncGenerator<Uint8Array> {
      started = true;
      for (;;) {
        const at = window.buf.indexOf(delimiter);
        if (at >= 0) {
          const last = window.buf.subarray(0, at);
          window.buf = window.buf.subarray(at + delimiter.length);
          finished = true;
          if (last.length > 0) yield last;
          return;
        }
        // Everything but a delimiter's length less one byte is surely part of this part.
        const keep = delimiter.length - 1;
        if (window.buf.length > keep) {
          const out = window.buf.subarray(0, window.buf.length - keep);
          window.buf = window.buf.subarray(window.buf.length - keep);
          yield out;
        }
        if (!(await window.more())) throw new ModelgateError('MALFORMED', 'the form ends in the middle of a part');
      }
    };
    const stream = partBody();
    yield { name, filename, body: stream };
    if (!started) for await (const chunk of stream) void chunk;
    else if (!finished) throw new ModelgateError('USAGE', 'a form part was left half-read');
  }
}

/** A part's bytes as UTF-8 text, refused past `max` bytes (form fields are short). */
export async function partText(part: FormPart, max: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of part.body) {
    size += chunk.byteLength;
    if (size > max) throw new ModelgateError('TOO_LARGE', `the form field ${part.name} is over ${max} bytes`);
    chunks.push(Buffer.from(chunk));
  }
  return Buffer.concat(chunks).toString('utf8');
}
