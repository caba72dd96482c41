import { normalizeFileDigests, type FileDigest } from './digests.js';
import type { DigestSet, VsaStatement } from './vsa-statement.js';

/** What the verifier of a VSA requires of it beyond a good signature; each is checked only when given. */
export interface VsaExpectations {
  /** Files that must each be a subject, by path and SHA-256 (subjects not listed here are fine). */
  files?: readonly FileDigest[];
  /** The resourceUri, compared exactly. */
  resourceUri?: string;
  /** The policy's URI, compared exactly. */
  policyUri?: string;
  /** The policy's digest: every algorithm given must be in the VSA with the same value (a string is a SHA-256). */
  policyDigest?: DigestSet | string;
  /** The verifier.id, compared exactly: the spec asks consumers to accept only known (signer, verifier) pairs. */
  verifierId?: string;
  /** Accept a FAILED result (by default only PASSED is ok). */
  allowFailed?: boolean;
}

/** Each given file that is not a subject with its digest, named. */
function fileProblems(statement: VsaStatement, files: readonly FileDigest[]): string[] {
  const subjects = new Map(statement.subject.map((s) => [s.name, s.digest.sha256?.toLowerCase()]));
  return normalizeFileDigests(files).flatMap((f) => {
    if (!subjects.has(f.path)) return [`${f.path}: not a subject of the attestation`];
    const attested = subjects.get(f.path);
    if (attested === undefined) return [`${f.path}: the subject has no sha256 digest`];
    return attested === f.sha256 ? [] : [`${f.path}: contents differ from the attested digest`];
  });
}

function digestProblems(actual: DigestSet | undefined, expected: DigestSet | string): string[] {
  const want = typeof expected === 'string' ? { sha256: expected } : expected;
  return Object.entries(want).flatMap(([alg, value]) => {
    const have = actual?.[alg];
    if (have === undefined) return [`the policy has no ${alg} digest (expected ${value})`];
    return have.toLowerCase() === value.toLowerCase() ? [] : [`the policy ${alg} digest is ${have}, not ${value}`];
  });
}

/** The problems of a verified VSA against what the caller expects, one line each; none when it holds. */
export function checkVsaExpectations(statement: VsaStatement, expect: VsaExpectations): string[] {
  const p = statement.predicate;
  const out: string[] = [];
  if (p.verificationResult !== 'PASSED' && !expect.allowFailed) out.push(`the verification result is ${p.verificationResult}`);
  if (expect.verifierId !== undefined && p.verifier.id !== expect.verifierId) out.push(`the verifier is ${p.verifier.id}, not ${expect.verifierId}`);
  if (expect.resourceUri !== undefined && p.resourceUri !== expect.resourceUri) out.push(`the resource is ${p.resourceUri}, not ${expect.resourceUri}`);
  if (expect.policyUri !== undefined && p.policy.uri !== expect.policyUri) out.push(`the policy is ${p.policy.uri}, not ${expect.policyUri}`);
  if (expect.policyDigest !== undefined) out.push(...digestProblems(p.policy.digest, expect.policyDigest));
  if (expect.files !== undefined) out.push(...fileProblems(statement, expect.files));
  return out;
}
