import { readFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import type { KeyObject } from 'node:crypto';
import { fsReason, isModelgateError, ModelgateError } from '../../core/errors.js';
import { readBundle, type ParsedBundle } from './bundle.js';
import { validateChain, parsePemCertificates } from './certificate.js';
import { describeDiff, diffManifests, type ManifestDiff } from './compare.js';
import { keyFingerprint, keyHint, loadPublicKey, verifyEnvelope } from './keys.js';
import { BUNDLE_MEDIA_TYPE, DSSE_PAYLOAD_TYPE, GIT_IGNORES } from './model.js';
import { isIgnored, normalizeIgnore } from './paths.js';
import { serializeModel } from './serialize.js';
import { verifyKeyless } from './sigstore.js';
import { parseStatement, type SignedManifest } from './statement.js';

/** How the signer is trusted. */
export type TrustMethod =
  { kind: 'key'; publicKey: Buffer } | { kind: 'certificate'; chain: Buffer[] } | { kind: 'sigstore'; identity: string; issuer: string; trustedRoot?: string };

export interface VerifyOptions {
  modelPath: string;
  signaturePath: string;
  trust: TrustMethod;
  /** More paths to leave out, relative to the model (the signature's own `ignore_paths` always apply). */
  ignorePaths?: string[];
}

export interface Signer {
  keyFingerprint?: string;
  identity?: string;
  issuer?: string;
  certificateSubject?: string;
}

export interface VerifyResult {
  verified: boolean;
  method: TrustMethod['kind'];
  predicateType?: string;
  signer: Signer;
  /** Why it did not verify, one line each; files are named. */
  problems: string[];
  diff?: ManifestDiff;
  /** Items (files or shards) compared. */
  checked: number;
  /** Paths left out of the comparison. */
  ignored: string[];
  /** The signature was over the reference v0.2's mistaken encoding (still accepted, as the reference does). */
  legacyEncoding?: boolean;
}

/** Checks the signature over the envelope with the trusted key material; returns who signed. */
function checkSigner(bundle: ParsedBundle, trust: TrustMethod, notes: { legacy?: boolean }): Signer {
  if (trust.kind === 'sigstore') {
    if (bundle.material.kind === 'public-key')
      throw new ModelgateError('SIGNATURE_INVALID', 'the bundle was signed with a key, not with Sigstore: verify it with --public-key');
    const signer = verifyKeyless(bundle.json, trust.trustedRoot);
    if (signer.identity !== trust.identity || signer.issuer !== trust.issuer) {
      throw new ModelgateError(
        'SIGNATURE_INVALID',
        `signed by ${signer.identity} (issuer ${signer.issuer}), not by ${trust.identity} (issuer ${trust.issuer})`,
      );
    }
    return signer;
  }
  if (bundle.mediaType !== BUNDLE_MEDIA_TYPE)
    throw new ModelgateError('SIGNATURE_INVALID', `bundle media type ${bundle.mediaType} is not ${BUNDLE_MEDIA_TYPE}`);
  let key: KeyObject;
  let signer: Signer;
  if (trust.kind === 'key') {
    if (bundle.material.kind !== 'public-key')
      throw new ModelgateError(
        'SIGNATURE_INVALID',
        `the bundle carries a ${bundle.material.kind}, not a key hint: verify it with --certificate-chain or --identity/--issuer`,
      );
    key = loadPublicKey(trust.publicKey, 'the public key');
    if (bundle.material.hint !== undefined && bundle.material.hint !== keyHint(key))
      throw new ModelgateError('SIGNATURE_INVALID', 'the bundle was signed with another key (its key hint does not match the public key)');
    signer = { keyFingerprint: keyFingerprint(key) };
  } else {
    if (bundle.material.kind !== 'certificate-chain')
      throw new ModelgateError('SIGNATURE_INVALID', `the bundle carries a ${bundle.material.kind}, not a certificate chain`);
    const trusted = trust.chain.flatMap((pem, i) => parsePemCertificates(pem.toString('utf8'), `certificate chain file #${i + 1}`));
    const chain = validateChain(bundle.material.certificates, trusted);
    key = chain.leaf.publicKey;
    signer = { keyFingerprint: keyFingerprint(key), certificateSubject: chain.leaf.subject.replace(/\n/g, ', ') };
  }
  const how = verifyEnvelope(key, bundle.envelope, trust.kind === 'key' || trust.kind === 'certificate');
  if (!how) throw new ModelgateError('SIGNATURE_INVALID', "the envelope signature does not verify with the signer's key");
  notes.legacy = how === 'v0.2-compat';
  return signer;
}

/** The ignore list: git's files, the signature itself when inside the model, the caller's and the signature's. */
function ignoresFor(options: VerifyOptions, signed: SignedManifest): string[] {
  const out = new Set<string>(GIT_IGNORES);
  const sigRel = relative(resolve(options.modelPath), resolve(options.signaturePath)).split('\\').join('/');
  if (sigRel !== '' && !sigRel.startsWith('..') && !sigRel.startsWith('/')) out.add(sigRel);
  for (const p of options.ignorePaths ?? []) out.add(normalizeIgnore(options.modelPath, p));
  for (const p of signed.serialization.ignorePaths ?? []) out.add(p);
  return [...out].sort();
}

/**
 * Verifies a model against an OpenSSF model signature, offline: the signer (key, certificate
 * chain, or Sigstore identity), the statement, then every file re-hashed with the signature's
 * own serialization and compared. Usage and I/O errors throw (USAGE, UNREADABLE); everything
 * that makes the signature not hold comes back as `verified: false` with the reasons.
 */
export async function verifyModelSignature(options: VerifyOptions): Promise<VerifyResult> {
  const result: VerifyResult = { verified: false, method: options.trust.kind, signer: {}, problems: [], checked: 0, ignored: [] };
  const fail = (e: unknown): VerifyResult => {
    if (isModelgateError(e) && (e.code === 'USAGE' || e.code === 'UNREADABLE')) throw e;
    result.problems.push(e instanceof Error ? e.message : String(e));
    return result;
  };
  let signed: SignedManifest;
  try {
    const bundle = readBundle(options.signaturePath);
    const notes: { legacy?: boolean } = {};
    result.signer = checkSigner(bundle, options.trust, notes);
    if (notes.legacy) result.legacyEncoding = true;
    if (bundle.envelope.payloadType !== DSSE_PAYLOAD_TYPE)
      throw new ModelgateError('SIGNATURE_INVALID', `payload type ${bundle.envelope.payloadType} is not ${DSSE_PAYLOAD_TYPE}`);
    signed = parseStatement(bundle.envelope.payload);
    result.predicateType = signed.predicateType;
  } catch (e) {
    return fail(e);
  }
  try {
    result.ignored = ignoresFor(options, signed);
    const s = signed.serialization;
    const actual = await serializeModel(options.modelPath, { method: s.method, shardSize: s.shardSize, ignorePaths: result.ignored });
    // A signed file under an ignored path fails: ignoring may not hide a file the signer covered.
    const hidden = signed.resources.filter((r) => isIgnored(r.name, result.ignored));
    if (hidden.length > 0) throw new ModelgateError('SIGNATURE_INVALID', `signed files are under ignored paths: ${hidden.map((r) => r.name).join(', ')}`);
    result.diff = diffManifests(signed.resources, actual.resources);
    result.checked = signed.resources.length;
    result.problems.push(...describeDiff(result.diff));
    result.verified = result.problems.length === 0;
    return result;
  } catch (e) {
    return fail(e);
  }
}

/** Reads the key or certificate files a trust method names. */
export function readTrustFile(path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (e) {
    throw new ModelgateError('USAGE', `cannot read ${path}: ${fsReason(e)}`, { cause: e });
  }
}
