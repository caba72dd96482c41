import { createHash, createPrivateKey, generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { DsseEnvelope } from '../../src/app/signing/dsse.js';
import { signEnvelope } from '../../src/app/signing/keys.js';
import { buildVsa, signVsa, verifyVsa, type VsaInput } from '../../src/app/signing/vsa.js';
import { VSA_PREDICATE_TYPE } from '../../src/app/signing/vsa-statement.js';

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

const FILES = [
  { path: 'model.safetensors', sha256: sha256('weights') },
  { path: 'config.json', sha256: sha256('{}') },
  { path: 'tokenizer/vocab.txt', sha256: sha256('a\nb\n') },
];
const POLICY_DIGEST = sha256('policy: deny pickle');
const RESOURCE = 'https://registry.example/models/org/bert/versions/3';

function input(over: Partial<VsaInput> = {}): VsaInput {
  return {
    files: FILES,
    verifierId: 'https://registry.example/verifier',
    verifierVersion: { modelgate: '0.1.0' },
    timeVerified: new Date('2025-01-02T03:04:05Z'),
    resourceUri: RESOURCE,
    policy: { uri: 'https://registry.example/policies/default', digest: POLICY_DIGEST },
    inputAttestations: [{ uri: 'https://registry.example/scans/42', digest: sha256('scan report') }],
    verificationResult: 'PASSED',
    ...over,
  };
}

const KEY_TYPES = [
  ['ECDSA P-256', () => generateKeyPairSync('ec', { namedCurve: 'prime256v1' })],
  ['Ed25519', () => generateKeyPairSync('ed25519')],
] as const;

function keys(make: () => ReturnType<(typeof KEY_TYPES)[number][1]> = KEY_TYPES[0][1]): { priv: string; pub: string } {
  const { privateKey, publicKey } = make();
  return { priv: String(privateKey.export({ type: 'pkcs8', format: 'pem' })), pub: String(publicKey.export({ type: 'spki', format: 'pem' })) };
}

/** The envelope with its statement changed by `edit` and re-encoded, the signature left as it was. */
function tamper(env: DsseEnvelope, edit: (statement: Record<string, unknown>) => void): DsseEnvelope {
  const statement = JSON.parse(Buffer.from(env.payload, 'base64').toString()) as Record<string, unknown>;
  edit(statement);
  return { ...env, payload: Buffer.from(JSON.stringify(statement)).toString('base64') };
}

describe('buildVsa', () => {
  it('writes an in-toto Statement v1 with the VSA v1 predicate, files as subjects in path order', () => {
    const statement = buildVsa(input());
    expect(statement._type).toBe('https://in-toto.io/Statement/v1');
    expect(statement.predicateType).toBe(VSA_PREDICATE_TYPE);
    expect(statement.subject.map((s) => s.name)).toEqual(['config.json', 'model.safetensors', 'tokenizer/vocab.txt']);
    expect(statement.subject[1]!.digest).toEqual({ sha256: sha256('weights') });
    expect(statement.predicate).toEqual({
      verifier: { id: 'https://registry.example/verifier', version: { modelgate: '0.1.0' } },
      timeVerified: '2025-01-02T03:04:05.000Z',
      resourceUri: RESOURCE,
      policy: { uri: 'https://registry.example/policies/default', digest: { sha256: POLICY_DIGEST } },
      inputAttestations: [{ uri: 'https://registry.example/scans/42', digest: { sha256: sha256('scan report') } }],
      verificationResult: 'PASSED',
      verifiedLevels: [],
      slsaVersion: '1.0',
    });
    expect(buildVsa(input({ verificationResult: 'FAILED' })).predicate.verifiedLevels).toEqual(['FAILED']);
  });

  it('refuses what a verifier would refuse, with USAGE', () => {
    const usage = expect.objectContaining({ code: 'USAGE' });
    expect(() => buildVsa(input({ files: [] }))).toThrow(usage);
    expect(() => buildVsa(input({ files: [{ path: '../x', sha256: POLICY_DIGEST }] }))).toThrow(usage);
    expect(() => buildVsa(input({ verifierId: '' }))).toThrow(usage);
    expect(() => buildVsa(input({ resourceUri: '' }))).toThrow(usage);
    expect(() => buildVsa(input({ timeVerified: 'yesterday' }))).toThrow(usage);
    expect(() => buildVsa(input({ timeVerified: '2025-01-02T03:04:05+01:00' }))).toThrow(usage);
    expect(() => buildVsa(input({ policy: { uri: 'p', digest: 'abc' } }))).toThrow(usage);
    expect(() => buildVsa(input({ slsaVersion: 'one' }))).toThrow(usage);
  });
});

describe('signVsa → verifyVsa', () => {
  it.each(KEY_TYPES)('round trip (%s)', (_name, make) => {
    const { priv, pub } = keys(make);
    const env = signVsa(buildVsa(input()), priv);
    expect(env.payloadType).toBe('application/vnd.in-toto+json');
    expect(env.signatures).toHaveLength(1);
    const r = verifyVsa(env, pub, { files: FILES, resourceUri: RESOURCE, policyDigest: POLICY_DIGEST, verifierId: 'https://registry.example/verifier' });
    expect(r.problems).toEqual([]);
    expect(r.ok).toBe(true);
    expect(r.statement?.predicate.resourceUri).toBe(RESOURCE);
    expect(env.signatures[0]!.keyid).toBe(r.keyFingerprint);
    // The envelope's JSON text verifies the same.
    expect(verifyVsa(JSON.stringify(env), pub).ok).toBe(true);
  });

  it('fails a tampered payload, payload type or signature', () => {
    const { priv, pub } = keys();
    const env = signVsa(buildVsa(input({ verificationResult: 'FAILED' })), priv);
    // A FAILED summary turned into a PASSED one.
    const edited = tamper(env, (s) => Object.assign(s.predicate as object, { verificationResult: 'PASSED', verifiedLevels: [] }));
    const r = verifyVsa(edited, pub);
    expect(r).toMatchObject({ ok: false, problems: ['the envelope signature does not verify with the public key'] });
    expect(r.statement).toBeUndefined();
    const passed = signVsa(buildVsa(input()), priv);
    const noSignature = ['the envelope signature does not verify with the public key'];
    const flipped = Buffer.from(passed.payload, 'base64');
    flipped[10]! ^= 1;
    expect(verifyVsa({ ...passed, payload: flipped.toString('base64') }, pub).problems).toEqual(noSignature);
    // The payload type is signed too (the PAE holds it).
    expect(verifyVsa({ ...passed, payloadType: 'application/json' }, pub).problems).toEqual(noSignature);
    const sig = Buffer.from(passed.signatures[0]!.sig, 'base64');
    sig[sig.length - 1]! ^= 1;
    expect(verifyVsa({ ...passed, signatures: [{ keyid: '', sig: sig.toString('base64') }] }, pub).problems).toEqual(noSignature);
  });

  it('fails with another key', () => {
    const env = signVsa(buildVsa(input()), keys().priv);
    for (const [, make] of KEY_TYPES) {
      const r = verifyVsa(env, keys(make).pub);
      expect(r.ok).toBe(false);
      expect(r.problems).toEqual(['the envelope signature does not verify with the public key']);
    }
  });

  it('names a file that is not a subject, or whose digest differs', () => {
    const { priv, pub } = keys();
    const env = signVsa(buildVsa(input()), priv);
    const files = [...FILES, { path: 'extra.py', sha256: sha256('import os') }];
    files[0] = { path: 'model.safetensors', sha256: sha256('other weights') };
    const r = verifyVsa(env, pub, { files });
    expect(r.ok).toBe(false);
    expect(r.statement).toBeDefined();
    expect(r.problems).toEqual(['extra.py: not a subject of the attestation', 'model.safetensors: contents differ from the attested digest']);
    // A subset of the subjects is fine.
    expect(verifyVsa(env, pub, { files: FILES.slice(1) }).ok).toBe(true);
  });

  it('fails a FAILED result unless allowed, and other expectations', () => {
    const { priv, pub } = keys();
    const failed = signVsa(buildVsa(input({ verificationResult: 'FAILED' })), priv);
    expect(verifyVsa(failed, pub).problems).toEqual(['the verification result is FAILED']);
    expect(verifyVsa(failed, pub, { allowFailed: true }).ok).toBe(true);
    const env = signVsa(buildVsa(input()), priv);
    expect(verifyVsa(env, pub, { policyDigest: sha256('another policy') }).problems).toEqual([
      `the policy sha256 digest is ${POLICY_DIGEST}, not ${sha256('another policy')}`,
    ]);
    expect(verifyVsa(env, pub, { policyDigest: { sha512: 'ab' } }).problems).toEqual(['the policy has no sha512 digest (expected ab)']);
    expect(verifyVsa(env, pub, { resourceUri: `${RESOURCE}0` }).problems).toEqual([`the resource is ${RESOURCE}, not ${RESOURCE}0`]);
    expect(verifyVsa(env, pub, { policyUri: 'x' }).ok).toBe(false);
    expect(verifyVsa(env, pub, { verifierId: 'https://evil.example' }).ok).toBe(false);
  });

  it('fails closed on what is not a signed VSA', () => {
    const { priv, pub } = keys();
    const env = signVsa(buildVsa(input()), priv);
    expect(verifyVsa('not json', pub).problems).toEqual(['the envelope is not JSON']);
    expect(verifyVsa([], pub).ok).toBe(false);
    expect(verifyVsa({ ...env, signatures: [] }, pub).ok).toBe(false);
    expect(verifyVsa({ ...env, signatures: [...env.signatures, ...env.signatures] }, pub).ok).toBe(false);
    expect(verifyVsa({ ...env, payload: `${env.payload}!` }, pub).ok).toBe(false);
    const json = signEnvelope('application/json', Buffer.from(env.payload, 'base64'), createPrivateKey(priv), '');
    expect(verifyVsa(json, pub).problems).toEqual(['payload type application/json is not application/vnd.in-toto+json']);
    // Another predicate type, or a VSA without its policy, correctly signed, is not a VSA; signVsa refuses to sign either.
    const statement = JSON.parse(JSON.stringify(buildVsa(input()))) as { predicateType: string; predicate: { policy?: unknown } };
    statement.predicateType = 'https://slsa.dev/provenance/v1';
    const provenance = signEnvelope('application/vnd.in-toto+json', Buffer.from(JSON.stringify(statement)), createPrivateKey(priv), '');
    expect(verifyVsa(provenance, pub).problems).toEqual(['predicate type "https://slsa.dev/provenance/v1" is not https://slsa.dev/verification_summary/v1']);
    expect(() => signVsa(statement as never, priv)).toThrow(expect.objectContaining({ code: 'USAGE' }));
    statement.predicateType = VSA_PREDICATE_TYPE;
    delete statement.predicate.policy;
    const noPolicy = signEnvelope('application/vnd.in-toto+json', Buffer.from(JSON.stringify(statement)), createPrivateKey(priv), '');
    expect(verifyVsa(noPolicy, pub).problems).toEqual(['policy is not an object']);
  });

  it('throws USAGE for a public key that does not load', () => {
    const env = signVsa(buildVsa(input()), keys().priv);
    expect(() => verifyVsa(env, 'not a key')).toThrow(expect.objectContaining({ code: 'USAGE' }));
    expect(() => signVsa(buildVsa(input()), 'not a key')).toThrow(expect.objectContaining({ code: 'USAGE' }));
  });
});
