import type { Pos } from './model.js';

/** Python source bytes decoded to text, as the interpreter would decode them. */
export interface DecodedSource {
  text: string;
  /** Bytes before the text (a UTF-8 byte order mark). */
  skipped: number;
  /** The text has one UTF-16 unit per byte (a single-byte encoding), so offsets map 1:1. */
  singleByte: boolean;
  /** A declared encoding modelgate does not decode; the text was read as Latin-1 instead. */
  unsupportedEncoding?: string;
  /** The bytes are not valid in the declared (or default UTF-8) encoding. */
  invalid: boolean;
  /** For multi-byte legacy encodings: the byte offset of each character index. */
  byteOffsets?: Uint32Array;
}

/** Sources in a multi-byte legacy encoding whose byte offsets are mapped exactly; larger ones report character offsets. */
const MAX_MAPPED_LEGACY_BYTES = 1024 * 1024;

/** The WHATWG label of a Python codec name, for TextDecoder. */
function whatwgLabel(codec: string): string {
  const c = codec.replace(/_/g, '-');
  if (/^cp125\d$/.test(c)) return `windows-${c.slice(2)}`;
  if (/^iso8859-?\d+$/.test(c)) return `iso-8859-${c.replace(/^iso8859-?/, '')}`;
  const known: Record<string, string> = {
    cp932: 'shift_jis',
    ms932: 'shift_jis',
    sjis: 'shift_jis',
    'shift-jis': 'shift_jis',
    big5hkscs: 'big5-hkscs',
    'mac-roman': 'macintosh',
    cp936: 'gbk',
    ms936: 'gbk',
    cp949: 'euc-kr',
    uhc: 'euc-kr',
  };
  return known[c] ?? c;
}

/** Decodes a legacy encoding with TextDecoder, mapping characters back to bytes when small. */
function decodeLegacy(body: Buffer, codec: string, skipped: number): DecodedSource | undefined {
  let decoder: TextDecoder;
  try {
    decoder = new TextDecoder(whatwgLabel(codec));
  } catch {
    return undefined;
  }
  const text = decoder.decode(body);
  if (text.length === body.length) return { text, skipped, singleByte: true, invalid: false };
  if (body.length > MAX_MAPPED_LEGACY_BYTES) return { text, skipped, singleByte: true, invalid: false };
  // Stream one byte at a time: each character produced starts at the byte that completed it.
  const offsets = new Uint32Array(text.length + 1);
  const streaming = new TextDecoder(whatwgLabel(codec));
  let index = 0;
  let start = 0;
  for (let i = 0; i < body.length && index < text.length; i++) {
    const out = streaming.decode(body.subarray(i, i + 1), { stream: true });
    for (let j = 0; j < out.length && index < text.length; j++) offsets[index++] = start;
    if (out.length > 0) start = i + 1;
  }
  offsets.fill(body.length, index);
  return { text, skipped, singleByte: false, invalid: false, byteOffsets: offsets };
}

/** PEP 263: `coding[:=]name` in a comment on line 1 or 2. */
const CODING = /^[ \t\f]*#.*?coding[:=][ \t]*([-\w.]+)/;
const UTF8_NAMES = new Set(['utf-8', 'utf8', 'utf_8', 'u8', 'utf']);
const SINGLE_BYTE_NAMES = new Set([
  'latin-1',
  'latin1',
  'latin_1',
  'iso-8859-1',
  'iso8859-1',
  'iso_8859_1',
  'l1',
  'cp1252',
  'windows-1252',
  'ascii',
  'us-ascii',
]);

/** The encoding a PEP 263 declaration names, lower-cased, or undefined. */
export function declaredEncoding(bytes: Buffer): string | undefined {
  const head = bytes.subarray(0, 512).toString('latin1').split('\n', 2);
  for (const line of head) {
    const m = CODING.exec(line);
    if (m) return m[1]!.toLowerCase();
    // Only a comment or blank first line lets the declaration sit on line 2.
    if (!/^[ \t\f]*(#.*)?\r?$/.test(line)) break;
  }
  return undefined;
}

/**
 * Decodes source bytes: UTF-8 by default (PEP 3120), a byte order mark skipped, or the
 * single-byte encoding a PEP 263 line declares. Never throws: undecodable bytes are read as
 * Latin-1 and flagged.
 */
export function decodeSource(bytes: Buffer): DecodedSource {
  const bom = bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  const body = bytes.subarray(bom);
  const declared = bom ? 'utf-8' : declaredEncoding(body);
  if (declared !== undefined && SINGLE_BYTE_NAMES.has(declared)) {
    return { text: body.toString('latin1'), skipped: bom, singleByte: true, invalid: false };
  }
  if (declared === undefined || UTF8_NAMES.has(declared)) {
    try {
      const text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(body);
      return { text, skipped: bom, singleByte: text.length === body.length, invalid: false };
    } catch {
      return { text: body.toString('latin1'), skipped: bom, singleByte: true, invalid: true };
    }
  }
  return decodeLegacy(body, declared, bom) ?? { text: body.toString('latin1'), skipped: bom, singleByte: true, unsupportedEncoding: declared, invalid: false };
}

/** Start index of every line of `text`. */
export function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

/** Index of the last element of sorted `xs` that is <= `x` (0 when none is). */
export function floorIndex(xs: ArrayLike<number>, x: number): number {
  let lo = 0;
  let hi = xs.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (xs[mid]! <= x) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** UTF-8 length of text[0, index): counts extra bytes of non-ASCII units (lone units as 3). */
export function utf8Offset(text: string, index: number): number {
  let bytes = index;
  for (let i = 0; i < index && i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) continue;
    if (c < 0x800) bytes += 1;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      bytes += 2; // a surrogate pair: two units, four bytes
      i++;
    } else bytes += 2;
  }
  return bytes;
}

/** Positions in a plain source file: byte offsets in the file, lines and columns from 1. */
export function plainLocator(source: DecodedSource): (at: number) => Pos {
  const starts = lineStarts(source.text);
  return (at) => {
    const line = floorIndex(starts, at);
    const offset =
      source.skipped +
      (source.byteOffsets ? source.byteOffsets[Math.min(at, source.byteOffsets.length - 1)]! : source.singleByte ? at : utf8Offset(source.text, at));
    return { offset, where: `line ${line + 1}, column ${at - starts[line]! + 1}` };
  };
}
