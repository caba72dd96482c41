import { createPrivateKey, createPublicKey, type KeyObject, type X509Certificate } from 'node:crypto';
import { ModelgateError } from '../../core/errors.js';
import { parsePemCertificates } from './certificate.js';
import { keyHint, signEnvelope } from './keys.js';
import { BUNDLE_MEDIA_TYPE, DSSE_PAYLOAD_TYPE, type Manifest } from './model.js';
import { buildStatement } from './statement.js';

/** Who signs: a private key, and optionally its certificate and the certificates above it. */
export interface SignerKey {
  /** PEM private key: ECDSA P-256, P-384 (P-521) or Ed25519; unencrypted PKCS#8 or SEC1. */
  privateKey: Buffer | string;
  /** PEM signing certificate for `privateKey`; with it the bundle carries the certificate chain. */
  certificate?: Buffer;
  /** PEM files of the certificates above the signing certificate (intermediates, root). */
  certificateChain?: Buffer[];
}

/** A loaded signer: its key and the bundle's verificationMaterial, ready before any hashing. */
export interface Signer {
  privateKey: KeyObject;
  verificationMaterial: Record<string, unknown>;
}

/** Loads a PEM private key; one that does not load is a usage error. */
export function loadPrivateKey(pem: Buffer | string): KeyObject {
  try {
    return createPrivateKey(pem);
  } catch (e) {
    throw new ModelgateError('USAGE', `the private key does not load (PEM, unencrypted): ${(e as Error).message}`, { cause: e });
  }
}

function sameKey(a: KeyObject, b: KeyObject): boolean {
  return a.export({ type: 'spki', format: 'der' }).equals(b.export({ type: 'spki', format: 'der' }));
}

/** What the bundle's verificationMaterial holds: a key hint, or the certificate and its chain (DER, leaf first). */
function material(key: KeyObject, signer: SignerKey): Record<string, unknown> {
  if (!signer.certificate) return { publicKey: { hint: keyHint(key) }, tlogEntries: [] };
  // parsePemCertificates throws when the file holds no certificate.
  const leaf = parsePemCertificates(signer.certificate.toString('utf8'), 'the signing certificate')[0]!;
  if (!sameKey(leaf.publicKey, key)) throw new ModelgateError('USAGE', 'the signing certificate is not for the private key');
  const chain: X509Certificate[] = (signer.certificateChain ?? []).flatMap((pem, i) =>
    parsePemCertificates(pem.toString('utf8'), `certificate chain file #${i + 1}`),
  );
  return { x509CertificateChain: { certificates: [leaf, ...chain].map((c) => ({ rawBytes: c.raw.toString('base64') })) }, tlogEntries: [] };
}

/** Loads the key and checks the certificate against it, so that a bad key fails before a model is hashed. */
export function loadSigner(signer: SignerKey): Signer {
  const privateKey = loadPrivateKey(signer.privateKey);
  return { privateKey, verificationMaterial: material(createPublicKey(privateKey), signer) };
}

/**
 * The one way a manifest becomes a model signature, whether its digests were read from disk
 * (`signModel`) or given (`signModelDigests`): the in-toto statement with the
 * `https://model_signing/signature/v1.0` predicate, signed over its DSSE PAE, in a v0.3 Sigstore
 * bundle (`keyid` empty and no transparency log entries, as the reference writes a key bundle).
 */
export function signManifest(signer: Signer, manifest: Manifest): Record<string, unknown> {
  const payload = Buffer.from(JSON.stringify(buildStatement(manifest), null, 2), 'utf8');
  return {
    mediaType: BUNDLE_MEDIA_TYPE,
    verificationMaterial: signer.verificationMaterial,
    dsseEnvelope: signEnvelope(DSSE_PAYLOAD_TYPE, payload, signer.privateKey, ''),
  };
}
