import { createHash, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import { ModelgateError } from '../../core/errors.js';
import { pae, paeCompat, type DsseEnvelope } from './dsse.js';
import type { Envelope } from './bundle.js';

/**
 * The digest each key type signs with, as the Sigstore algorithm registry and the reference fix
 * it: ECDSA P-256 with SHA-256, P-384 with SHA-384, P-521 with SHA-512; Ed25519 signs the
 * message itself (null). Other keys are refused.
 */
export function signingHash(key: KeyObject): 'sha256' | 'sha384' | 'sha512' | null {
  const type = key.asymmetricKeyType;
  if (type === 'ed25519') return null;
  if (type === 'ec') {
    const curve = key.asymmetricKeyDetails?.namedCurve;
    if (curve === 'prime256v1') return 'sha256';
    if (curve === 'secp384r1') return 'sha384';
    if (curve === 'secp521r1') return 'sha512';
    throw new ModelgateError('UNSUPPORTED', `EC curve ${curve ?? 'unknown'} is not supported (P-256, P-384, P-521)`);
  }
  throw new ModelgateError('UNSUPPORTED', `${type ?? 'unknown'} keys are not supported (ECDSA P-256/P-384/P-521, Ed25519)`);
}

/** Loads a public key from PEM (text before the block is allowed) or DER SubjectPublicKeyInfo. */
export function loadPublicKey(bytes: Buffer, what: string): KeyObject {
  try {
    if (bytes.includes('-----BEGIN')) return createPublicKey(bytes.toString('utf8').slice(bytes.indexOf('-----BEGIN')));
    return createPublicKey({ key: bytes, format: 'der', type: 'spki' });
  } catch (e) {
    throw new ModelgateError('USAGE', `${what} is not a public key (PEM or DER): ${(e as Error).message}`, { cause: e });
  }
}

/** The key's fingerprint as the policy names it: SHA-256 of its DER SubjectPublicKeyInfo, lowercase hex. */
export function keyFingerprint(key: KeyObject): string {
  return createHash('sha256')
    .update(key.export({ type: 'spki', format: 'der' }))
    .digest('hex');
}

/** The reference's `publicKey.hint`: SHA-256 of the key's SubjectPublicKeyInfo PEM text. */
export function keyHint(key: KeyObject): string {
  return createHash('sha256')
    .update(String(key.export({ type: 'spki', format: 'pem' })))
    .digest('hex');
}

/**
 * Verifies the envelope's one signature with `key` over the DSSE PAE. With `allowCompat`, a
 * signature over the reference v0.2's mistaken encoding (with the key's digest, or SHA-256 as
 * v0.2 used for every curve) is accepted too. Returns how it
 * verified, or undefined when it did not.
 */
export function verifyEnvelope(key: KeyObject, env: Envelope, allowCompat: boolean): 'pae' | 'v0.2-compat' | undefined {
  const hash = signingHash(key);
  const check = (message: Buffer, digest = hash): boolean => {
    try {
      return verify(digest, message, key, env.signature);
    } catch {
      return false;
    }
  };
  if (check(pae(env.payloadType, env.payload))) return 'pae';
  if (allowCompat) {
    // v0.2 hashed with SHA-256 whatever the curve (its certificate vector is P-384 over SHA-256).
    const legacy = paeCompat(env.payloadType, env.payload);
    if (check(legacy) || (hash !== null && hash !== 'sha256' && check(legacy, 'sha256'))) return 'v0.2-compat';
  }
  return undefined;
}

/**
 * Signs `payload` in a DSSE envelope with one signature over its PAE, with the digest the key's
 * type fixes (`signingHash`); ECDSA signatures are DER, as Sigstore and the reference write them.
 * `keyid` is a hint for the verifier to pick a key, never trusted.
 */
export function signEnvelope(payloadType: string, payload: Buffer, key: KeyObject, keyid: string): DsseEnvelope {
  const signature = sign(signingHash(key), pae(payloadType, payload), key);
  return { payload: payload.toString('base64'), payloadType, signatures: [{ keyid, sig: signature.toString('base64') }] };
}
