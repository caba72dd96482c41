import { ModelgateError } from '../../core/errors.js';

/**
 * Just enough DER (ITU-T X.690) to read a certificate's extensions (RFC 5280 §4.1, §4.2), which
 * node:crypto's X509Certificate does not expose: key usage bits, extended key usage and which
 * extensions are critical. Every read is bounds-checked; a bad encoding is SIGNATURE_INVALID.
 */
interface Tlv {
  tag: number;
  /** Start and end of the contents. */
  start: number;
  end: number;
}

/** Nesting is bounded by the structure read here (5 levels); this guards against odd inputs. */
const MAX_LENGTH_BYTES = 4;

function readTlv(buf: Buffer, at: number, limit: number): Tlv {
  const fail = (): never => {
    throw new ModelgateError('SIGNATURE_INVALID', `a certificate has a malformed DER encoding at byte ${at}`);
  };
  if (at + 2 > limit) fail();
  const tag = buf[at]!;
  let len = buf[at + 1]!;
  let start = at + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > MAX_LENGTH_BYTES || start + n > limit) fail();
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + buf[start + i]!;
    start += n;
  }
  if (start + len > limit) fail();
  return { tag, start, end: start + len };
}

function children(buf: Buffer, parent: Tlv): Tlv[] {
  const out: Tlv[] = [];
  for (let at = parent.start; at < parent.end;) {
    const t = readTlv(buf, at, parent.end);
    out.push(t);
    at = t.end;
  }
  return out;
}

/** An OBJECT IDENTIFIER's contents as dotted text. */
function oidText(bytes: Buffer): string {
  const arcs: number[] = [];
  let value = 0;
  for (const b of bytes) {
    value = value * 128 + (b & 0x7f);
    if (!(b & 0x80)) {
      if (arcs.length === 0) arcs.push(value < 80 ? Math.floor(value / 40) : 2, value < 80 ? value % 40 : value - 80);
      else arcs.push(value);
      value = 0;
    }
  }
  return arcs.join('.');
}

export interface Extension {
  oid: string;
  critical: boolean;
  value: Buffer;
}

/** The extensions of a DER certificate (empty for a v1 certificate). */
export function certificateExtensions(der: Buffer): Extension[] {
  const cert = readTlv(der, 0, der.length);
  const tbs = children(der, cert)[0];
  if (!tbs) return [];
  const explicit3 = children(der, tbs).find((t) => t.tag === 0xa3);
  if (!explicit3) return [];
  const list = children(der, explicit3)[0];
  if (!list) return [];
  return children(der, list).map((ext) => {
    const parts = children(der, ext);
    const critical = parts.length === 3 && parts[1]!.tag === 0x01 && der[parts[1]!.start] !== 0;
    const oid = parts[0];
    const value = parts[parts.length - 1];
    // RFC 5280 §4.1: an Extension is a SEQUENCE of extnID, [critical], extnValue; an empty one is no extension.
    if (oid === undefined || value === undefined) throw new ModelgateError('SIGNATURE_INVALID', `a certificate has an empty extension at byte ${ext.start}`);
    return { oid: oidText(der.subarray(oid.start, oid.end)), critical, value: der.subarray(value.start, value.end) };
  });
}

export const OID = {
  keyUsage: '2.5.29.15',
  extKeyUsage: '2.5.29.37',
  basicConstraints: '2.5.29.19',
  codeSigning: '1.3.6.1.5.5.7.3.3',
  anyExtendedKeyUsage: '2.5.29.37.0',
} as const;

/** Key usage bits (RFC 5280 §4.2.1.3): bit 0 digitalSignature … bit 5 keyCertSign. */
export function keyUsageBits(ext: Extension): { digitalSignature: boolean; keyCertSign: boolean } {
  const bits = readTlv(ext.value, 0, ext.value.length);
  const first = bits.end - bits.start >= 2 ? ext.value[bits.start + 1]! : 0;
  return { digitalSignature: (first & 0x80) !== 0, keyCertSign: (first & 0x04) !== 0 };
}

/** The purposes of an extended key usage extension, as dotted OIDs. */
export function extendedKeyUsages(ext: Extension): string[] {
  const seq = readTlv(ext.value, 0, ext.value.length);
  return children(ext.value, seq).map((t) => oidText(ext.value.subarray(t.start, t.end)));
}
