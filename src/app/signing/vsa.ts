import { createPublicKey } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { fsReason, isModelgateError, ModelgateError } from '../../core/errors.js';
import { MAX_SIGNATURE_BYTES, parseEnvelope } from './bundle.js';
import { normalizeFileDigests, type FileDigest } from './digests.js';
import type { DsseEnvelope } from './dsse.js';
import { keyFingerprint, loadPublicKey, signEnvelope, verifyEnvelope } from './keys.js';
import { DSSE_PAYLOAD_TYPE, STATEMENT_TYPE } from './model.js';
import { loadPrivateKey } from './signer.js';
import { checkVsaExpectations, type VsaExpectations } from './vsa-expect.js';
import { parseVsaStatement, VSA_PREDICATE_TYPE, type DigestSet, type ResourceRef, type VerificationResult, type VsaStatement } from './vsa-statement.js';

/** What a verifier says about a model version; `buildVsa` turns it into a statement. */
export interface VsaInput {
  /** The model's files: the statement's subjects (name = path, digest = sha256). */
  files: readonly FileDigest[];
  /** URI of the verifier (the registry service). */
  verifierId: string;
  verifierVersion?: Record<string, string>;
  /** When it was verified; default now. A string must be RFC 3339 in UTC (`…Z`). */
  timeVerified?: Date | string;
  /** URI of the model version the files were verified as. */
  resourceUri: string;
  /** The policy the files were judged against: its URI and digest (a string is a SHA-256). */
  policy: { uri: string; digest: DigestSet | string };
  /** Attestations the verification used (scan reports, signatures), each with its digest. */
  inputAttestations?: Array<{ uri?: string; digest: DigestSet | string }>;
  verificationResult: VerificationResult;
  /** Default: `["FAILED"]` for a failure (as the spec asks), none for a pass. */
  verifiedLevels?: string[];
  dependencyLevels?: Record<string, number>;
  /** Default `1.0`. */
  slsaVersion?: string;
}

export interface VsaVerifyResult {
  ok: boolean;
  /** The statement, once its signature verified and it reads as a VSA (also when an expectation failed). */
  statement?: VsaStatement;
  /** SHA-256 of the verifying key's DER SubjectPublicKeyInfo, lowercase hex. */
  keyFingerprint: string;
  /** Why it is not ok, one line each; files are named. */
  problems: string[];
}

const digestSet = (d: DigestSet | string): DigestSet => (typeof d === 'string' ? { sha256: d.toLowerCase() } : d);

/**
 * The in-toto Statement v1 of a SLSA VSA v1 for a model version: one subject per file (its path
 * and SHA-256, in canonical path order), the predicate from `input`. Throws USAGE for a bad file
 * list or a field the VSA spec requires that is missing or malformed.
 */
export function buildVsa(input: VsaInput): VsaStatement {
  const subject = normalizeFileDigests(input.files).map((f) => ({ name: f.path, digest: { sha256: f.sha256 } }));
  if (subject.length === 0) throw new ModelgateError('USAGE', 'a VSA needs at least one file as its subject');
  const time = input.timeVerified ?? new Date();
  const statement = {
    _type: STATEMENT_TYPE,
    subject,
    predicateType: VSA_PREDICATE_TYPE,
    predicate: {
      verifier: { id: input.verifierId, ...(input.verifierVersion ? { version: input.verifierVersion } : {}) },
      timeVerified: typeof time === 'string' ? time : time.toISOString(),
      resourceUri: input.resourceUri,
      policy: { uri: input.policy.uri, digest: digestSet(input.policy.digest) },
      ...(input.inputAttestations ? { inputAttestations: input.inputAttestations.map((a): ResourceRef => ({ ...a, digest: digestSet(a.digest) })) } : {}),
      verificationResult: input.verificationResult,
      verifiedLevels: input.verifiedLevels ?? (input.verificationResult === 'FAILED' ? ['FAILED'] : []),
      ...(input.dependencyLevels ? { dependencyLevels: input.dependencyLevels } : {}),
      slsaVersion: input.slsaVersion ?? '1.0',
    },
  };
  return checked(statement);
}

/** The statement as a verifier will read it; what a verifier would refuse is a USAGE error here. */
function checked(statement: unknown): VsaStatement {
  try {
    return parseVsaStatement(JSON.stringify(statement));
  } catch (e) {
    throw new ModelgateError('USAGE', `not a valid VSA: ${(e as Error).message}`, { cause: e });
  }
}

/**
 * Signs a VSA statement in a DSSE envelope (payload type `application/vnd.in-toto+json`, one
 * signature over the PAE) with a PEM private key: ECDSA P-256 (SHA-256, DER signature), P-384,
 * or Ed25519. The signature's `keyid` is the key's fingerprint (SHA-256 of its SubjectPublicKeyInfo),
 * a hint only. The statement is checked first, so what is signed verifies.
 */
export function signVsa(statement: VsaStatement, privateKeyPem: Buffer | string): DsseEnvelope {
  const key = loadPrivateKey(privateKeyPem);
  const payload = Buffer.from(JSON.stringify(checked(statement)), 'utf8');
  return signEnvelope(DSSE_PAYLOAD_TYPE, payload, key, keyFingerprint(createPublicKey(key)));
}

/**
 * Verifies a VSA envelope (its parsed JSON, or its text) with a PEM public key: the DSSE
 * signature over the PAE (exactly one signature), the payload type, the statement and predicate
 * types and fields, then `expectations` (by default the result must be PASSED). A key that does
 * not load throws USAGE; everything that makes the envelope not hold is in `problems`.
 */
export function verifyVsa(envelope: unknown, publicKeyPem: Buffer | string, expectations: VsaExpectations = {}): VsaVerifyResult {
  const key = loadPublicKey(Buffer.from(publicKeyPem), 'the public key');
  const result: VsaVerifyResult = { ok: false, keyFingerprint: keyFingerprint(key), problems: [] };
  try {
    const json: unknown = typeof envelope === 'string' ? parseJson(envelope) : envelope;
    if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new ModelgateError('SIGNATURE_INVALID', 'the envelope is not a DSSE envelope');
    const env = parseEnvelope(json);
    if (verifyEnvelope(key, env, false) !== 'pae') throw new ModelgateError('SIGNATURE_INVALID', 'the envelope signature does not verify with the public key');
    if (env.payloadType !== DSSE_PAYLOAD_TYPE) throw new ModelgateError('SIGNATURE_INVALID', `payload type ${env.payloadType} is not ${DSSE_PAYLOAD_TYPE}`);
    result.statement = parseVsaStatement(env.payload);
  } catch (e) {
    if (!isModelgateError(e, 'SIGNATURE_INVALID')) throw e;
    result.problems.push(e.message);
    return result;
  }
  result.problems.push(...checkVsaExpectations(result.statement, expectations));
  result.ok = result.problems.length === 0;
  return result;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new ModelgateError('SIGNATURE_INVALID', 'the envelope is not JSON', { cause: e });
  }
}

/** Reads an envelope file's text; a missing, unreadable or oversized file (past any attestation's size) is UNREADABLE. */
export function readEnvelopeFile(path: string): string {
  try {
    const size = statSync(path).size;
    if (size > MAX_SIGNATURE_BYTES) throw new ModelgateError('UNREADABLE', `${path} is ${size} bytes, more than any attestation (${MAX_SIGNATURE_BYTES})`);
    return readFileSync(path, 'utf8');
  } catch (e) {
    if (e instanceof ModelgateError) throw e;
    throw new ModelgateError('UNREADABLE', `cannot read the attestation ${path}: ${fsReason(e)}`, { cause: e });
  }
}
