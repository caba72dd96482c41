import { createRequire } from 'node:module';
import { gunzipSync, inflateRawSync, inflateSync } from 'node:zlib';
import { unescape } from './literals.js';

/**
 * The decoders obfuscated Python uses to hide code, by the path that calls them (`codecs:x` is
 * `codecs.decode(…, 'x')` or `….decode('x')`). Each is re-implemented on bytes, bounded, so a
 * payload can be read without running anything. Those without `apply` (marshal, lzma) are
 * only recognised.
 */
export interface DecodeStep {
  /** Short name for messages: `base64`, `hex`, `zlib` … */
  label: string;
  /** Decodes `input`, producing at most `max` bytes; undefined when the input is not valid. */
  apply(input: Buffer, max: number): Buffer | string | undefined;
}

const require = createRequire(import.meta.url);
const Bunzip = require('seek-bzip') as { decode(input: Buffer, output: { writeByte(b: number): void }, multistream?: boolean): void };

function base64(input: Buffer): Buffer | undefined {
  const text = input.toString('latin1').replace(/\s+/g, '');
  // Python's b64decode (validate=False) drops characters outside the alphabet; so does Node.
  return text.length === 0 ? undefined : Buffer.from(text, 'base64');
}

function hex(input: Buffer): Buffer | undefined {
  const text = input.toString('latin1').replace(/\s+/g, '');
  return text.length % 2 === 0 && /^[0-9a-fA-F]*$/.test(text) ? Buffer.from(text, 'hex') : undefined;
}

function base32(input: Buffer): Buffer | undefined {
  const text = input.toString('latin1').replace(/=+$/, '').toUpperCase();
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  const out: number[] = [];
  let bits = 0;
  let acc = 0;
  for (const ch of text) {
    const v = alphabet.indexOf(ch);
    if (v === -1) return undefined;
    acc = (acc << 5) | v;
    bits += 5;
    if (bits >= 8) {
      out.push((acc >> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

/** zlib.decompress: zlib by default; its wbits argument also allows raw deflate and gzip. */
function inflate(input: Buffer, max: number): Buffer | undefined {
  for (const fn of [inflateSync, inflateRawSync, gunzipSync]) {
    try {
      return fn(input, { maxOutputLength: max });
    } catch {
      // try the next framing
    }
  }
  return undefined;
}

function gunzip(input: Buffer, max: number): Buffer | undefined {
  try {
    return gunzipSync(input, { maxOutputLength: max });
  } catch {
    return undefined;
  }
}

function bunzip(input: Buffer, max: number): Buffer | undefined {
  const out = Buffer.allocUnsafe(Math.min(max, Math.max(1024, input.length * 20)));
  let size = 0;
  let grown = out;
  try {
    Bunzip.decode(input, {
      writeByte(b: number) {
        if (size >= max) throw new Error('limit');
        if (size === grown.length) {
          const next = Buffer.allocUnsafe(Math.min(max, grown.length * 2));
          grown.copy(next);
          grown = next;
        }
        grown[size++] = b;
      },
    });
  } catch {
    return undefined;
  }
  return Buffer.from(grown.subarray(0, size));
}

function rot13(input: Buffer): string {
  return input.toString('latin1').replace(/[A-Za-z]/g, (c) => {
    const base = c <= 'Z' ? 65 : 97;
    return String.fromCharCode(((c.charCodeAt(0) - base + 13) % 26) + base);
  });
}

const step = (label: string, apply: DecodeStep['apply']): DecodeStep => ({ label, apply });
const BASE64 = step('base64', base64);
const HEX = step('hex', hex);
const ZLIB = step('zlib', inflate);
const BZ2 = step('bz2', bunzip);
const ROT13 = step('rot13', rot13);
const RECOGNISED_ONLY = (label: string): DecodeStep => step(label, () => undefined);

const DECODERS: Record<string, DecodeStep> = {
  'base64.b64decode': BASE64,
  'base64.standard_b64decode': BASE64,
  'base64.urlsafe_b64decode': BASE64,
  'base64.decodebytes': BASE64,
  'base64.decodestring': BASE64,
  'binascii.a2b_base64': BASE64,
  'base64.b32decode': step('base32', base32),
  'base64.b16decode': HEX,
  'base64.b85decode': RECOGNISED_ONLY('base85'),
  'base64.a85decode': RECOGNISED_ONLY('ascii85'),
  'binascii.unhexlify': HEX,
  'binascii.a2b_hex': HEX,
  'builtins.bytes.fromhex': HEX,
  'builtins.bytearray.fromhex': HEX,
  'zlib.decompress': ZLIB,
  'gzip.decompress': step('gzip', gunzip),
  'bz2.decompress': BZ2,
  'lzma.decompress': RECOGNISED_ONLY('lzma'),
  'marshal.loads': RECOGNISED_ONLY('marshal'),
  'codecs:base64': BASE64,
  'codecs:base_64': BASE64,
  'codecs:base64_codec': BASE64,
  'codecs:hex': HEX,
  'codecs:hex_codec': HEX,
  'codecs:zlib': ZLIB,
  'codecs:zip': ZLIB,
  'codecs:zlib_codec': ZLIB,
  'codecs:bz2': BZ2,
  'codecs:bz2_codec': BZ2,
  'codecs:rot13': ROT13,
  'codecs:rot_13': ROT13,
  'codecs:uu': RECOGNISED_ONLY('uu'),
  'codecs:unicode_escape': step('unicode_escape', (input) => unescape(input.toString('latin1'), false)),
};

/** The decoder a call path (or `codecs:<name>`) stands for, or undefined. */
export function decodeStep(path: string): DecodeStep | undefined {
  return Object.hasOwn(DECODERS, path) ? DECODERS[path] : undefined;
}
