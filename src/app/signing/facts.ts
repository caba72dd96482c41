import { existsSync } from 'node:fs';
import { isModelgateError } from '../../core/errors.js';
import type { SignatureFacts } from '../policy/facts.js';
import { readBundle } from './bundle.js';
import { keyFingerprint, loadPublicKey } from './keys.js';
import { defaultSignaturePath } from './sign.js';
import { verifyKeyless } from './sigstore.js';
import { readTrustFile, verifyModelSignature, type TrustMethod, type VerifyResult } from './verify.js';

/** One signer a policy accepts (the policy's `signature.signers[]`). */
export interface SignerRequirement {
  identity?: string;
  issuer?: string;
  /** SHA-256 of the key's DER SubjectPublicKeyInfo, hex (`verify-signature` prints it). */
  key?: string;
}

export interface SignatureFactsOptions {
  /** The signature file; default `model.sig` at the target's root (beside a single-file target). */
  signaturePath?: string;
  /** The policy's signers: a listed key fingerprint lets a bundle's embedded key be trusted. */
  signers?: readonly SignerRequirement[];
  /** Sigstore trusted root JSON (default: the pinned public-good root). */
  trustedRoot?: string;
  /** PEM public keys the caller trusts (for bundles that name their key only by a hint). */
  publicKeys?: string[];
  /** PEM root certificates the caller trusts (for certificate-chain bundles). */
  certificateChain?: string[];
  /** More paths to leave out, relative to the target. */
  ignorePaths?: string[];
}

const fromResult = (r: VerifyResult): SignatureFacts => ({
  checked: true,
  verified: r.verified,
  ...(r.signer.identity ? { identity: r.signer.identity, issuer: r.signer.issuer } : {}),
  ...(r.signer.keyFingerprint ? { keyFingerprint: r.signer.keyFingerprint } : {}),
  ...(r.verified ? {} : { error: r.problems.join('; ') }),
});

/** The ways to trust this bundle's signer that the caller and the policy allow, best first. */
function trustCandidates(signaturePath: string, options: SignatureFactsOptions): TrustMethod[] | string {
  const bundle = readBundle(signaturePath);
  const m = bundle.material;
  if (m.kind === 'certificate' || (m.kind === 'certificate-chain' && bundle.tlogEntries > 0)) {
    // Keyless: who signed is what the Fulcio certificate says; the policy then compares it.
    const signer = verifyKeyless(bundle.json, options.trustedRoot);
    return [{ kind: 'sigstore', ...signer, trustedRoot: options.trustedRoot }];
  }
  if (m.kind === 'certificate-chain') {
    if (!options.certificateChain?.length) return 'the signature carries a certificate chain, but no root certificate to check it against was given';
    return [{ kind: 'certificate', chain: options.certificateChain.map(readTrustFile) }];
  }
  const out: TrustMethod[] = (options.publicKeys ?? []).map((p) => ({ kind: 'key', publicKey: readTrustFile(p) }));
  // An embedded key (older bundles) is trusted only when the policy pins its fingerprint.
  if (m.rawBytes) {
    const pinned = new Set((options.signers ?? []).flatMap((s) => (s.key ? [s.key.toLowerCase()] : [])));
    if (pinned.has(keyFingerprint(loadPublicKey(m.rawBytes, 'the bundle key')))) out.push({ kind: 'key', publicKey: m.rawBytes });
  }
  if (out.length === 0) return 'the signature was made with a key that was not given (pass its public key) and that the policy does not pin';
  return out;
}

/**
 * The policy hook: checks `target` against its signature and returns SignatureFacts for the
 * policy's `signature` rule. No signature file: `checked: false`. A signature that is malformed,
 * untrusted, or does not match every file: `checked: true, verified: false` with the reason.
 * Keyless signatures report the certificate's identity and issuer; key and certificate
 * signatures the key fingerprint. Never throws for a bad signature; I/O errors become facts too.
 */
export async function signatureFacts(target: string, options: SignatureFactsOptions = {}): Promise<SignatureFacts> {
  const signaturePath = options.signaturePath ?? defaultSignaturePath(target);
  if (!existsSync(signaturePath)) return { checked: false, verified: false, error: `no signature at ${signaturePath}` };
  try {
    const candidates = trustCandidates(signaturePath, options);
    if (typeof candidates === 'string') return { checked: true, verified: false, error: candidates };
    let last: VerifyResult | undefined;
    for (const trust of candidates) {
      last = await verifyModelSignature({ modelPath: target, signaturePath, trust, ignorePaths: options.ignorePaths });
      if (last.verified) break;
    }
    return fromResult(last as VerifyResult);
  } catch (e) {
    const message = isModelgateError(e) || e instanceof Error ? e.message : String(e);
    return { checked: true, verified: false, error: message };
  }
}
