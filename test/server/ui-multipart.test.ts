import { describe, expect, it } from 'vitest';
import { boundaryOf, multipartParts, partText, type MultipartLimits } from '../../src/server/ui/multipart.js';

const BOUNDARY = '----formdata-abc123';

/** A multipart body as a browser writes it: CRLF line ends, the close delimiter, no preamble. */
function body(parts: Array<{ name: string; filename?: string; data: string | Buffer }>, boundary = BOUNDARY): Buffer {
  const chunks: Buffer[] = [];
  for (const p of parts) {
    const disposition = `form-data; name="${p.name}"${p.filename !== undefined ? `; filename="${p.filename}"` : ''}`;
    chunks.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: ${disposition}\r\n${p.filename !== undefined ? 'Content-Type: application/octet-stream\r\n' : ''}\r\n`,
      ),
    );
    chunks.push(Buffer.from(p.data));
    chunks.push(Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return Buffer.concat(chunks);
}

/** The bytes in chunks of `size` (1: every split of a delimiter across chunks is met). */
async function* inChunks(bytes: Buffer, size: number): AsyncIterable<Uint8Array> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

async function read(bytes: Buffer, size: number, limits?: MultipartLimits): Promise<Array<{ name: string; filename?: string; text: string }>> {
  const out = [];
  for await (const part of multipartParts(inChunks(bytes, size), BOUNDARY, limits))
    out.push({ name: part.name, filename: part.filename, text: await partText(part, 1 << 20) });
  return out;
}

describe('multipart form parsing', () => {
  const data = body([
    { name: 'csrf', data: 'tok' },
    { name: 'model', data: 'acme/bert' },
    // Bytes that look like a delimiter but are not one: CRLF, dashes, a boundary prefix.
    { name: 'files', filename: 'config.json', data: `{"a":1}\r\n--${BOUNDARY.slice(0, -1)}\r\n----\r\n` },
    { name: 'files', filename: 'w.bin', data: Buffer.from([0, 13, 10, 45, 45, 255, 13]) },
    { name: 'files', filename: '', data: '' },
  ]);
  const expected = [
    { name: 'csrf', filename: undefined, text: 'tok' },
    { name: 'model', filename: undefined, text: 'acme/bert' },
    { name: 'files', filename: 'config.json', text: `{"a":1}\r\n--${BOUNDARY.slice(0, -1)}\r\n----\r\n` },
    { name: 'files', filename: 'w.bin', text: Buffer.from([0, 13, 10, 45, 45, 255, 13]).toString('utf8') },
    { name: 'files', filename: '', text: '' },
  ];

  it.each([1, 2, 3, 7, 64, 1 << 16])('reads every part whatever the chunking (%i bytes)', async (size) => {
    expect(await read(data, size)).toEqual(expected);
  });

  it('skips a part left unread, and refuses to go on after one left half-read', async () => {
    const names: string[] = [];
    for await (const part of multipartParts(inChunks(data, 5), BOUNDARY)) names.push(part.name);
    expect(names).toEqual(['csrf', 'model', 'files', 'files', 'files']);
    const parts = multipartParts(inChunks(body([{ name: 'files', filename: 'big.bin', data: 'z'.repeat(1000) }, ...[{ name: 'x', data: 'y' }]]), 5), BOUNDARY);
    const first = await parts.next();
    const it = first.value!.body[Symbol.asyncIterator]();
    await it.next();
    await it.return?.();
    await expect(parts.next()).rejects.toMatchObject({ code: 'USAGE' });
  });

  it('decodes the names browsers escape (%22, %0D, %0A) and UTF-8 file names', async () => {
    const raw = Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="files"; filename="a%22b%0Ac ü.txt"\r\n\r\nx\r\n--${BOUNDARY}--`);
    expect(await read(raw, 4)).toEqual([{ name: 'files', filename: 'a"b\nc ü.txt', text: 'x' }]);
  });

  it('bounds what it holds: header block, parts, preamble; and fails closed on truncation', async () => {
    const limits = { maxHeaderBytes: 200, maxParts: 3, maxPreambleBytes: 16 };
    const bigHeader = Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="${'x'.repeat(300)}"\r\n\r\nv\r\n--${BOUNDARY}--`);
    await expect(read(bigHeader, 10, limits)).rejects.toMatchObject({ code: 'TOO_LARGE' });
    const many = body([1, 2, 3, 4].map((i) => ({ name: `f${i}`, data: 'v' })));
    await expect(read(many, 10, limits)).rejects.toMatchObject({ code: 'TOO_LARGE' });
    await expect(read(Buffer.concat([Buffer.alloc(100, 'p'), data]), 10, limits)).rejects.toMatchObject({ code: 'TOO_LARGE' });
    await expect(read(data.subarray(0, data.length - 30), 10)).rejects.toMatchObject({ code: 'MALFORMED' });
    const noDisposition = Buffer.from(`--${BOUNDARY}\r\nContent-Type: text/plain\r\n\r\nv\r\n--${BOUNDARY}--`);
    await expect(read(noDisposition, 10)).rejects.toMatchObject({ code: 'MALFORMED' });
  });

  it('refuses a field over its limit', async () => {
    const parts = multipartParts(inChunks(body([{ name: 'model', data: 'y'.repeat(100) }]), 7), BOUNDARY);
    const part = (await parts.next()).value!;
    await expect(partText(part, 50)).rejects.toMatchObject({ code: 'TOO_LARGE' });
  });

  it('takes the boundary from the content type, quoted or not, and nothing that is not one', () => {
    expect(boundaryOf(`multipart/form-data; boundary=${BOUNDARY}`)).toBe(BOUNDARY);
    expect(boundaryOf('multipart/form-data; boundary="a b:c"; charset=utf-8')).toBe('a b:c');
    for (const bad of [undefined, 'text/plain', 'multipart/form-data', `multipart/form-data; boundary=${'b'.repeat(71)}`, 'multipart/form-data; boundary="a "'])
      expect(() => boundaryOf(bad)).toThrow(expect.objectContaining({ code: 'USAGE' }));
  });
});
