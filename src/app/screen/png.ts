import { deflateSync } from 'node:zlib';

/** CRC-32 of PNG chunks (ISO 3309 polynomial 0xEDB88320, PNG spec §5.5). */
const CRC_TABLE = Uint32Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Buffer): number {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** One chunk: length, type, data, CRC over type and data (PNG spec §5.3). */
function chunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])));
  return Buffer.concat([head, data, crc]);
}

/**
 * An 8-bit PNG of `[channels, H, W]` values in [0, 1]: grayscale for one channel, RGB for three
 * (other counts show the first channel). Each pixel is enlarged `zoom` times so a 28×28 trigger
 * is visible in a report.
 */
export function encodePng(values: Float32Array, channels: number, height: number, width: number, zoom = 8): Buffer {
  const rgb = channels === 3;
  const bpp = rgb ? 3 : 1;
  const w = width * zoom;
  const h = height * zoom;
  const raw = Buffer.alloc(h * (1 + w * bpp));
  const plane = height * width;
  for (let y = 0; y < h; y++) {
    const row = y * (1 + w * bpp);
    raw[row] = 0; // filter type None
    for (let x = 0; x < w; x++) {
      const p = Math.floor(y / zoom) * width + Math.floor(x / zoom);
      for (let c = 0; c < bpp; c++) {
        // A missing or non-finite value is black.
        const v = values[c * plane + p];
        raw[row + 1 + x * bpp + c] = Math.round(Math.min(1, Math.max(0, v !== undefined && Number.isFinite(v) ? v : 0)) * 255);
      }
    }
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(w, 0);
  header.writeUInt32BE(h, 4);
  header[8] = 8; // bit depth
  header[9] = rgb ? 2 : 0; // colour type: truecolour or grayscale
  // compression 0, filter 0, interlace 0
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}
