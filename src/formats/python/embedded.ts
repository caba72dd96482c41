import type { PythonModule, Span } from './model.js';

/** A literal's bytes, as written or decoded from base64/hex text. */
export interface EmbeddedBlob extends Span {
  bytes: Buffer;
  encoding: 'raw' | 'base64' | 'hex';
  /** Raw bytes that are plain text: they can only be a protocol 0 pickle. */
  text: boolean;
}

/** Shortest blob worth a look: a pickle that imports anything is longer. */
export const MIN_EMBEDDED_BYTES = 16;
/** Shortest base64 or hex text read as encoded bytes (shorter runs are words and hashes). */
const MIN_ENCODED_CHARS = 24;

const BASE64_TEXT = /^[A-Za-z0-9+/_-]+={0,2}$/;
const HEX_TEXT = /^(?:[0-9a-fA-F]{2})+$/;

/** Latin-1 bytes of text whose characters all fit in a byte, else undefined. */
function latin1(text: string): Buffer | undefined {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 0xff) return undefined;
  return Buffer.from(text, 'latin1');
}

/** True when bytes hold control characters other than tab and line ends, or C1 controls. */
export function isBinary(bytes: Buffer): boolean {
  for (const b of bytes) if ((b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d) || (b >= 0x7f && b <= 0x9f)) return true;
  return false;
}

/**
 * The bytes every string and bytes literal could carry: the literal itself, and its decoding
 * when the text is base64 or hex. Which of them are model files is for the caller to sniff.
 */
export function embeddedBlobs(model: PythonModule): EmbeddedBlob[] {
  const blobs: EmbeddedBlob[] = [];
  for (const s of model.strings) {
    // An f-string is formatted at run time: its literal parts are no payload.
    if (s.formatted) continue;
    const raw = typeof s.value === 'string' ? latin1(s.value) : s.value;
    if (!raw || raw.length < MIN_EMBEDDED_BYTES) continue;
    const span = { at: s.at, end: s.end };
    // Model files are binary: plain text is only read as protocol 0 pickles (the caller probes).
    const text = !isBinary(raw);
    if (!text || raw[raw.length - 1] === 0x2e) blobs.push({ ...span, bytes: raw, encoding: 'raw', text });
    if (raw.length < MIN_ENCODED_CHARS || raw.includes(0)) continue;
    const encoded = raw.toString('latin1').replace(/\s+/g, '');
    if (HEX_TEXT.test(encoded)) blobs.push({ ...span, bytes: Buffer.from(encoded, 'hex'), encoding: 'hex', text: false });
    else if (BASE64_TEXT.test(encoded)) blobs.push({ ...span, bytes: Buffer.from(encoded, 'base64'), encoding: 'base64', text: false });
  }
  return blobs;
}
