import { readFileSync, statSync } from 'node:fs';
import { fsReason, ModelgateError } from '../../core/errors.js';

/**
 * Largest signature file read. A manifest line is ~150 bytes, so this holds about a million
 * files or shards; anything larger is not a model signature.
 */
export const MAX_SIGNATURE_BYTES = 256 * 1024 * 1024;

/** The DSSE envelope of a bundle, decoded. */
export interface Envelope {
  payload: Buffer;
  payloadType: string;
  /** Exactly one signature: the reference signs once, and a second one could carry another meaning. */
  signature: Buffer;
}

/** What the bundle says about the key, before anything is trusted. */
export type Material =
  | { kind: 'public-key'; hint?: string; rawBytes?: Buffer }
  | { kind: 'certificate-chain'; certificates: Buffer[] }
  | { kind: 'certificate'; certificate: Buffer };

export interface ParsedBundle {
  mediaType: string;
  envelope: Envelope;
  material: Material;
  /** Transparency log entries (Sigstore keyless bundles). */
  tlogEntries: number;
  /** The JSON as read, for libraries that parse it themselves. */
  json: Record<string, unknown>;
}

const bad = (message: string): ModelgateError => new ModelgateError('SIGNATURE_INVALID', message);
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Strict base64 (standard or URL alphabet, as protobuf JSON allows): Buffer.from ignores bad characters, this does not. */
export function decodeBase64(value: unknown, what: string): Buffer {
  if (typeof value !== 'string' || !/^[A-Za-z0-9+/_-]*={0,2}$/.test(value)) throw bad(`${what} is not base64`);
  return Buffer.from(value.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
}

function parseMaterial(vm: unknown): Material {
  if (!isObject(vm)) throw bad('the bundle has no verificationMaterial');
  const present = ['publicKey', 'x509CertificateChain', 'certificate'].filter((k) => vm[k] !== undefined);
  if (present.length !== 1)
    throw bad(`verificationMaterial must hold exactly one of publicKey, x509CertificateChain, certificate (found ${present.join(', ') || 'none'})`);
  if (isObject(vm.publicKey)) {
    const { hint, rawBytes } = vm.publicKey;
    if (hint !== undefined && hint !== null && typeof hint !== 'string') throw bad('publicKey.hint is not a string');
    return {
      kind: 'public-key',
      hint: typeof hint === 'string' && hint !== '' ? hint : undefined,
      rawBytes: rawBytes === undefined ? undefined : decodeBase64(rawBytes, 'publicKey.rawBytes'),
    };
  }
  if (isObject(vm.x509CertificateChain)) {
    const certs = vm.x509CertificateChain.certificates;
    if (!Array.isArray(certs) || certs.length === 0) throw bad('x509CertificateChain holds no certificates');
    return { kind: 'certificate-chain', certificates: certs.map((c, i) => decodeBase64(isObject(c) ? c.rawBytes : undefined, `certificate #${i}`)) };
  }
  if (isObject(vm.certificate)) return { kind: 'certificate', certificate: decodeBase64(vm.certificate.rawBytes, 'certificate.rawBytes') };
  throw bad('the bundle verification material is malformed');
}

/** Decodes a DSSE envelope (a bundle's, or one on its own): its payload type, payload and its one signature, strict base64. */
export function parseEnvelope(env: unknown): Envelope {
  if (!isObject(env)) throw bad('the bundle has no dsseEnvelope (model signatures are DSSE envelopes)');
  if (typeof env.payloadType !== 'string') throw bad('the envelope has no payloadType');
  if (!Array.isArray(env.signatures) || env.signatures.length !== 1)
    throw bad(`the envelope must hold exactly one signature (it holds ${Array.isArray(env.signatures) ? env.signatures.length : 'none'})`);
  const sig = env.signatures[0];
  return {
    payload: decodeBase64(env.payload, 'the envelope payload'),
    payloadType: env.payloadType,
    signature: decodeBase64(isObject(sig) ? sig.sig : undefined, 'the envelope signature'),
  };
}

/** Parses a bundle's JSON text; nothing in it is trusted yet. */
export function parseBundle(text: string): ParsedBundle {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new ModelgateError('SIGNATURE_INVALID', 'the signature file is not JSON (a Sigstore bundle)', { cause: e });
  }
  if (!isObject(json)) throw bad('the signature file is not a Sigstore bundle');
  if (typeof json.mediaType !== 'string') throw bad('the bundle has no mediaType');
  if (json.messageSignature !== undefined) throw bad('the bundle signs a message, not a DSSE envelope: it is not a model signature');
  const vm = json.verificationMaterial;
  const tlog = isObject(vm) && Array.isArray(vm.tlogEntries) ? vm.tlogEntries.length : 0;
  return { mediaType: json.mediaType, envelope: parseEnvelope(json.dsseEnvelope), material: parseMaterial(vm), tlogEntries: tlog, json };
}

/** Reads and parses a signature file; a missing or unreadable file is UNREADABLE, a bad one SIGNATURE_INVALID. */
export function readBundle(path: string): ParsedBundle {
  let text: string;
  try {
    const size = statSync(path).size;
    if (size > MAX_SIGNATURE_BYTES) throw bad(`${path} is ${size} bytes, more than any model signature (${MAX_SIGNATURE_BYTES})`);
    text = readFileSync(path, 'utf8');
  } catch (e) {
    if (e instanceof ModelgateError) throw e;
    throw new ModelgateError('UNREADABLE', `cannot read the signature ${path}: ${fsReason(e)}`, { cause: e });
  }
  return parseBundle(text);
}
