/**
 * Inert media and documents recognised by their leading bytes: content no model loader
 * deserialises and that carries no code a loader runs. Each signature cites where its magic
 * is defined; two-byte magics (BMP, MP3 frame sync) are checked against more structure.
 */

const starts = (head: Buffer, bytes: readonly number[], at = 0): boolean => head.length >= at + bytes.length && bytes.every((b, i) => head[at + i] === b);
const ascii = (head: Buffer, text: string, at = 0): boolean => head.length >= at + text.length && head.toString('latin1', at, at + text.length) === text;

interface Signature {
  name: string;
  test: (head: Buffer, size: number) => boolean;
}

/** A RIFF container (Microsoft RIFF spec): "RIFF", a little-endian size, then the form type. */
const riff = (form: string) => (head: Buffer) => ascii(head, 'RIFF') && ascii(head, form, 8);

/**
 * MPEG audio frame header (ISO/IEC 11172-3 2.4.2.3): 11 sync bits, then version, layer,
 * bitrate index (15 is invalid) and sample rate index (3 is reserved).
 */
function mpegFrame(head: Buffer): boolean {
  if (head.length < 4 || head[0] !== 0xff || (head[1]! & 0xe0) !== 0xe0) return false;
  const version = (head[1]! >> 3) & 3;
  const layer = (head[1]! >> 1) & 3;
  const bitrate = head[2]! >> 4;
  const rate = (head[2]! >> 2) & 3;
  return version !== 1 && layer !== 0 && bitrate !== 15 && bitrate !== 0 && rate !== 3;
}

export const SIGNATURES: readonly Signature[] = [
  // PNG spec 5.2; JFIF/Exif SOI + marker; GIF89a spec; WebP container spec (RIFF "WEBP").
  { name: 'png', test: (h) => starts(h, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]) },
  { name: 'jpeg', test: (h) => starts(h, [0xff, 0xd8, 0xff]) },
  { name: 'gif', test: (h) => ascii(h, 'GIF87a') || ascii(h, 'GIF89a') },
  { name: 'webp', test: riff('WEBP') },
  // BMP: "BM", the file size (u32le) and two reserved zero words.
  { name: 'bmp', test: (h, size) => ascii(h, 'BM') && h.length >= 14 && h.readUInt32LE(2) === size && h.readUInt32LE(6) === 0 },
  // TIFF 6.0 section 2: byte order "II" or "MM", then 42.
  { name: 'tiff', test: (h) => starts(h, [0x49, 0x49, 0x2a, 0x00]) || starts(h, [0x4d, 0x4d, 0x00, 0x2a]) },
  // ICONDIR: reserved 0, type 1 (icon), a non-zero image count.
  { name: 'ico', test: (h) => starts(h, [0, 0, 1, 0]) && h.length >= 6 && h.readUInt16LE(4) > 0 && h.readUInt16LE(4) <= 256 },
  { name: 'wav', test: riff('WAVE') },
  { name: 'avi', test: riff('AVI ') },
  // FLAC format "fLaC"; ID3v2.4 section 3.1 ("ID3", version 2-4); Ogg RFC 3533 "OggS".
  { name: 'flac', test: (h) => ascii(h, 'fLaC') },
  { name: 'mp3', test: (h) => (ascii(h, 'ID3') && h.length >= 4 && h[3]! >= 2 && h[3]! <= 4) || mpegFrame(h) },
  { name: 'ogg', test: (h) => ascii(h, 'OggS') && h[4] === 0 },
  // ISO/IEC 14496-12 4.3: the first box is `ftyp`; Matroska/WebM EBML header 1A 45 DF A3.
  { name: 'mp4', test: (h) => ascii(h, 'ftyp', 4) && h.length >= 8 && h.readUInt32BE(0) >= 8 },
  { name: 'webm', test: (h) => starts(h, [0x1a, 0x45, 0xdf, 0xa3]) },
  // PDF 1.7 7.5.2 header "%PDF-".
  { name: 'pdf', test: (h) => ascii(h, '%PDF-') },
  // OpenType spec "Font file": sfnt versions 0x00010000, "OTTO", "true"; collections "ttcf";
  // WOFF 1.0 "wOFF" and WOFF 2.0 "wOF2".
  { name: 'font', test: (h) => starts(h, [0, 1, 0, 0, 0]) || ['OTTO', 'true', 'ttcf', 'wOFF', 'wOF2'].some((m) => ascii(h, m)) },
  // fastText's model file (src/fasttext.cc FASTTEXT_FILEFORMAT_MAGIC_INT32 793712314, then version 12).
  { name: 'fasttext', test: (h) => h.length >= 8 && h.readInt32LE(0) === 793712314 && h.readInt32LE(4) === 12 },
];

/** The name of inert media or a document whose head matches a signature, else undefined. */
export function matchSignature(head: Buffer, size: number): string | undefined {
  return SIGNATURES.find((s) => s.test(head, size))?.name;
}
