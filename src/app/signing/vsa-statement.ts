import { ModelgateError } from '../../core/errors.js';
import { STATEMENT_TYPE } from './model.js';

/**
 * SLSA Verification Summary Attestation v1 (slsa.dev/spec/v1.0/verification_summary): that a
 * verifier checked the subjects against a policy, and with what result.
 */
export const VSA_PREDICATE_TYPE = 'https://slsa.dev/verification_summary/v1';

/** in-toto DigestSet: algorithm name → digest (lowercase hex for sha256 and its kind). */
export type DigestSet = Record<string, string>;

/** in-toto ResourceDescriptor, as far as a VSA uses it (`policy`, `inputAttestations`). */
export interface ResourceRef {
  uri?: string;
  digest?: DigestSet;
}

export interface VsaSubject {
  name: string;
  digest: DigestSet;
}

export type VerificationResult = 'PASSED' | 'FAILED';

export interface VsaPredicate {
  /** Who verified; `version` maps components to versions (added in VSA v1.1, optional). */
  verifier: { id: string; version?: Record<string, string> };
  /** RFC 3339, UTC. */
  timeVerified: string;
  /** The resource the subjects were verified as (a registry URL of the model version). */
  resourceUri: string;
  /** The policy the subjects were verified against: its `uri` is required. */
  policy: ResourceRef & { uri: string };
  /** Every attestation the verification used, each with its digest. */
  inputAttestations?: Array<ResourceRef & { digest: DigestSet }>;
  verificationResult: VerificationResult;
  /** The highest level verified on each track, or `["FAILED"]`. */
  verifiedLevels: string[];
  /** How many transitive dependencies were verified at each level. */
  dependencyLevels?: Record<string, number>;
  /** `<major>.<minor>` of the SLSA specification the verifier followed. */
  slsaVersion?: string;
}

/** An in-toto Statement v1 carrying a VSA. Unknown fields are kept, and ignored (in-toto parsing rules). */
export interface VsaStatement {
  _type: typeof STATEMENT_TYPE;
  subject: VsaSubject[];
  predicateType: typeof VSA_PREDICATE_TYPE;
  predicate: VsaPredicate;
}

/** in-toto Timestamp: RFC 3339 in UTC ("Z"), seconds required, a fraction allowed. */
const RFC3339_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

const bad = (message: string): ModelgateError => new ModelgateError('SIGNATURE_INVALID', message);
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isText = (v: unknown): v is string => typeof v === 'string' && v !== '';

function checkDigestSet(v: unknown, what: string): void {
  if (!isObject(v) || Object.keys(v).length === 0) throw bad(`${what} has no digest`);
  for (const [alg, value] of Object.entries(v)) {
    if (!isText(value)) throw bad(`${what}: digest ${alg} is not a string`);
    if (alg === 'sha256' && !/^[0-9a-f]{64}$/.test(value)) throw bad(`${what}: the sha256 digest is not 64 lowercase hex digits`);
  }
}

function checkResource(v: unknown, what: string, needs: 'uri' | 'digest'): void {
  if (!isObject(v)) throw bad(`${what} is not an object`);
  if (v.uri !== undefined && !isText(v.uri)) throw bad(`${what}: uri is not a string`);
  if (needs === 'uri' && v.uri === undefined) throw bad(`${what} has no uri`);
  if (v.digest !== undefined || needs === 'digest') checkDigestSet(v.digest, what);
}

function checkPredicate(p: unknown): void {
  if (!isObject(p)) throw bad('the statement has no predicate');
  if (!isObject(p.verifier) || !isText(p.verifier.id)) throw bad('the predicate has no verifier.id');
  if (typeof p.timeVerified !== 'string' || !RFC3339_UTC.test(p.timeVerified)) throw bad('timeVerified is not an RFC 3339 timestamp in UTC');
  if (!isText(p.resourceUri)) throw bad('the predicate has no resourceUri');
  checkResource(p.policy, 'policy', 'uri');
  if (p.inputAttestations !== undefined) {
    if (!Array.isArray(p.inputAttestations)) throw bad('inputAttestations is not a list');
    p.inputAttestations.forEach((a, i) => checkResource(a, `input attestation #${i}`, 'digest'));
  }
  if (p.verificationResult !== 'PASSED' && p.verificationResult !== 'FAILED')
    throw bad(`verificationResult ${JSON.stringify(p.verificationResult)} is neither PASSED nor FAILED`);
  if (!Array.isArray(p.verifiedLevels) || !p.verifiedLevels.every(isText)) throw bad('verifiedLevels is not a list of levels');
  if (p.dependencyLevels !== undefined) {
    if (!isObject(p.dependencyLevels) || !Object.values(p.dependencyLevels).every((n) => Number.isSafeInteger(n) && (n as number) >= 0))
      throw bad('dependencyLevels is not a map of levels to counts');
  }
  if (p.slsaVersion !== undefined && (typeof p.slsaVersion !== 'string' || !/^\d+\.\d+$/.test(p.slsaVersion))) throw bad('slsaVersion is not <major>.<minor>');
}

/**
 * Reads a statement as a VSA, failing closed: the Statement v1 type, the VSA v1 predicate type,
 * at least one subject each with a digest, and every required predicate field of its type.
 * Throws SIGNATURE_INVALID naming the first field that is wrong.
 */
export function parseVsaStatement(payload: Buffer | string): VsaStatement {
  let s: unknown;
  try {
    s = JSON.parse(payload.toString());
  } catch (e) {
    throw new ModelgateError('SIGNATURE_INVALID', 'the payload is not JSON', { cause: e });
  }
  if (!isObject(s)) throw bad('the payload is not an in-toto statement');
  if (s._type !== STATEMENT_TYPE) throw bad(`statement type ${JSON.stringify(s._type)} is not ${STATEMENT_TYPE}`);
  if (s.predicateType !== VSA_PREDICATE_TYPE) throw bad(`predicate type ${JSON.stringify(s.predicateType)} is not ${VSA_PREDICATE_TYPE}`);
  if (!Array.isArray(s.subject) || s.subject.length === 0) throw bad('the statement has no subjects');
  s.subject.forEach((sub, i) => {
    if (!isObject(sub) || !isText(sub.name)) throw bad(`subject #${i} has no name`);
    checkDigestSet(sub.digest, `subject ${sub.name}`);
  });
  checkPredicate(s.predicate);
  return s as unknown as VsaStatement;
}
