/** A DSSE envelope as JSON (secure-systems-lab/dsse, envelope.md): payload and signatures in base64. */
export interface DsseEnvelope {
  payloadType: string;
  payload: string;
  signatures: Array<{ keyid: string; sig: string }>;
}

/**
 * DSSE pre-authentication encoding (secure-systems-lab/dsse, protocol.md v1.0):
 * `"DSSEv1" SP LEN(type) SP type SP LEN(body) SP body`, lengths in bytes, in decimal.
 */
export function pae(payloadType: string, payload: Buffer): Buffer {
  const type = Buffer.from(payloadType, 'utf8');
  return Buffer.concat([Buffer.from(`DSSEv1 ${type.length} ${payloadType} ${payload.length} `, 'utf8'), payload]);
}

/**
 * Python's `repr()` of a bytes object: b'…' (or b"…" when the bytes hold a single quote and no
 * double quote), with \\, \t, \n, \r, the quote, and bytes outside 0x20–0x7e escaped as \xNN.
 */
export function pythonBytesRepr(bytes: Buffer): string {
  const quote = bytes.includes(0x27) && !bytes.includes(0x22) ? '"' : "'";
  let out = `b${quote}`;
  for (const b of bytes) {
    const ch = String.fromCharCode(b);
    if (ch === quote || ch === '\\') out += `\\${ch}`;
    else if (b === 0x09) out += '\\t';
    else if (b === 0x0a) out += '\\n';
    else if (b === 0x0d) out += '\\r';
    else if (b < 0x20 || b >= 0x7f) out += `\\x${b.toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return `${out}${quote}`;
}

/**
 * The encoding that the reference's v0.2 signer signed by mistake: "DSSEV1" (capital V) and the
 * payload pasted in as Python's repr of the bytes. The reference's key verifier still accepts
 * it for those signatures, so modelgate does too, and says so in its result.
 */
export function paeCompat(payloadType: string, payload: Buffer): Buffer {
  return Buffer.from(`DSSEV1 ${payloadType.length} ${payloadType} ${payload.length} ${pythonBytesRepr(payload)}`, 'utf8');
}
