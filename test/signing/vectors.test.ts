import { generateKeyPairSync } from 'node:crypto';
import { readFileSync, renameSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mkdtempSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { PREDICATE_TYPE, PREDICATE_TYPE_V01 } from '../../src/app/signing/model.js';
import { DEFAULT_TRUSTED_ROOT } from '../../src/app/signing/sigstore.js';
import { verifyModelSignature, type VerifyResult } from '../../src/app/signing/verify.js';
import { copyVector, KEYS, SIGSTORE_IDENTITY, SIGSTORE_ISSUER, trustFor, vectors, VECTORS, type Vector } from './vectors.js';

const root = mkdtempSync(join(tmpdir(), 'mg-vectors-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const ALL = vectors();
const verify = (dir: string, v: Vector, extra: Partial<Parameters<typeof verifyModelSignature>[0]> = {}): Promise<VerifyResult> =>
  verifyModelSignature({ modelPath: join(dir, v.model), signaturePath: join(dir, 'model.sig'), trust: trustFor(v.method), ignorePaths: v.ignore, ...extra });

/** Flips one bit of byte `at` of a file. */
function flipByte(path: string, at = 0): void {
  const bytes = readFileSync(path);
  bytes[at]! ^= 0x01;
  writeFileSync(path, bytes);
}

/** Rewrites the bundle JSON with `edit` applied. */
function editBundle(dir: string, edit: (bundle: { dsseEnvelope: { payload: string; signatures: Array<{ sig: string }> } }) => void): void {
  const path = join(dir, 'model.sig');
  const bundle = JSON.parse(readFileSync(path, 'utf8'));
  edit(bundle);
  writeFileSync(path, JSON.stringify(bundle));
}

describe('published vectors of the reference implementation (v0.2 to v1.1)', () => {
  it('finds all 13 vector folders', () => {
    expect(ALL.map((v) => v.name)).toHaveLength(13);
  });

  it.each(ALL.map((v) => [v.name, v] as const))('%s verifies with the README parameters', async (_name, v) => {
    const r = await verify(join(VECTORS, v.name), v);
    expect(r.problems).toEqual([]);
    expect(r.verified).toBe(true);
    expect(r.checked).toBe(v.model === '.' ? 2 : 1);
    expect(r.predicateType).toBe(v.name.startsWith('v0.2') ? PREDICATE_TYPE_V01 : PREDICATE_TYPE);
    if (v.method === 'sigstore') expect(r.signer).toEqual({ identity: SIGSTORE_IDENTITY, issuer: SIGSTORE_ISSUER });
    else expect(r.signer.keyFingerprint).toBe('c1e49d63327f85c7e2971aefd30b5a0d1c6b9b5e1a892e7f5fba995adace816d');
  });

  it('accepts the v0.2 certificate signature over the v0.2 encoding, and says so', async () => {
    const v = ALL.find((x) => x.name === 'v0.2.0-certificate')!;
    expect((await verify(join(VECTORS, v.name), v)).legacyEncoding).toBe(true);
  });

  it('v1.1 signatures carry their ignore paths: they verify without --ignore-paths', async () => {
    for (const v of ALL.filter((x) => x.name.startsWith('v1.1'))) {
      expect((await verify(join(VECTORS, v.name), v, { ignorePaths: [] })).verified).toBe(true);
    }
  });

  it('v1.0.1 signatures need the ignore path: ignore-me is otherwise an unsigned file', async () => {
    const v = ALL.find((x) => x.name === 'v1.0.1-certificate')!;
    const r = await verify(join(VECTORS, v.name), v, { ignorePaths: [] });
    expect(r.verified).toBe(false);
    expect(r.diff?.extra).toEqual(['ignore-me']);
  });
});

describe('every tampered copy fails', () => {
  const signedFiles = (v: Vector): string[] => (v.model === '.' ? ['signme-1', 'signme-2'] : [v.model]);

  it.each(ALL.map((v) => [v.name, v] as const))('%s: one changed byte in any signed file', async (_n, v) => {
    for (const file of signedFiles(v)) {
      for (const at of [0, 7]) {
        const dir = copyVector(v.name, mkdtempSync(join(root, 'byte-')));
        flipByte(join(dir, file), at);
        const r = await verify(dir, v);
        expect(r.verified, `${file} byte ${at}`).toBe(false);
        expect(r.problems.join('\n')).toContain(v.model === '.' ? file : '.');
      }
    }
  });

  it.each(ALL.filter((v) => v.model === '.').map((v) => [v.name, v] as const))('%s: a renamed, missing or extra file', async (_n, v) => {
    let dir = copyVector(v.name, mkdtempSync(join(root, 'rename-')));
    renameSync(join(dir, 'signme-2'), join(dir, 'signme-3'));
    let r = await verify(dir, v);
    expect(r.verified).toBe(false);
    expect(r.diff).toMatchObject({ missing: ['signme-2'], extra: ['signme-3'] });

    dir = copyVector(v.name, mkdtempSync(join(root, 'missing-')));
    unlinkSync(join(dir, 'signme-1'));
    r = await verify(dir, v);
    expect(r.diff?.missing).toEqual(['signme-1']);

    dir = copyVector(v.name, mkdtempSync(join(root, 'extra-')));
    writeFileSync(join(dir, 'extra.bin'), 'x');
    r = await verify(dir, v);
    expect(r.verified).toBe(false);
    expect(r.problems).toEqual(['extra.bin: present but not signed']);
  });

  it.each(ALL.map((v) => [v.name, v] as const))('%s: one changed byte of the signature or of the signed payload', async (_n, v) => {
    let dir = copyVector(v.name, mkdtempSync(join(root, 'sig-')));
    editBundle(dir, (b) => {
      const sig = Buffer.from(b.dsseEnvelope.signatures[0]!.sig, 'base64');
      sig[sig.length - 3]! ^= 0x01;
      b.dsseEnvelope.signatures[0]!.sig = sig.toString('base64');
    });
    expect((await verify(dir, v)).verified).toBe(false);

    dir = copyVector(v.name, mkdtempSync(join(root, 'payload-')));
    editBundle(dir, (b) => {
      // Point a signed digest at other bytes: the signature no longer covers the payload.
      const payload = Buffer.from(b.dsseEnvelope.payload, 'base64').toString('utf8').replace('f6310066', 'f6310067').replace('bc9a717d', 'bc9a717e');
      b.dsseEnvelope.payload = Buffer.from(payload).toString('base64');
    });
    expect((await verify(dir, v)).verified).toBe(false);

    dir = copyVector(v.name, mkdtempSync(join(root, 'sigbyte-')));
    flipByte(join(dir, 'model.sig'), 60);
    expect((await verify(dir, v)).verified).toBe(false);
  });

  it('fails with another key, another CA, or another Sigstore identity or issuer', async () => {
    const key = ALL.find((v) => v.name === 'v1.1.0-elliptic-key')!;
    const otherKey = generateKeyPairSync('ec', { namedCurve: 'secp384r1' }).publicKey.export({ type: 'spki', format: 'pem' });
    const wrongKey = await verify(join(VECTORS, key.name), key, { trust: { kind: 'key', publicKey: Buffer.from(otherKey) } });
    expect(wrongKey.verified).toBe(false);
    expect(wrongKey.problems[0]).toMatch(/another key/);
    const cert = ALL.find((v) => v.name === 'v1.1.0-certificate')!;
    const wrongCa = await verify(join(VECTORS, cert.name), cert, { trust: { kind: 'certificate', chain: [readFileSync(join(KEYS, 'signing-key-cert.pem'))] } });
    expect(wrongCa.verified).toBe(false);
    const keyless = ALL.find((v) => v.name === 'v1.1.0-sigstore')!;
    for (const [identity, issuer] of [
      ['stefanb@us.ibm.co', SIGSTORE_ISSUER],
      ['xstefanb@us.ibm.com', SIGSTORE_ISSUER],
      [SIGSTORE_IDENTITY, 'https://accounts.google.com'],
    ] as const) {
      const r = await verify(join(VECTORS, keyless.name), keyless, { trust: { kind: 'sigstore', identity, issuer } });
      expect(r.verified, `${identity} ${issuer}`).toBe(false);
      expect(r.problems[0]).toMatch(/signed by stefanb@us\.ibm\.com/);
    }
  });

  it('keyless verification uses only the trusted root it is given', async () => {
    const keyless = ALL.find((v) => v.name === 'v1.1.0-sigstore')!;
    const rootJson = JSON.parse(readFileSync(DEFAULT_TRUSTED_ROOT, 'utf8'));
    // Without the Fulcio CAs, the signing certificate chains to nothing.
    const noCa = join(root, 'no-ca-root.json');
    writeFileSync(noCa, JSON.stringify({ ...rootJson, certificateAuthorities: [] }));
    const r = await verify(join(VECTORS, keyless.name), keyless, {
      trust: { kind: 'sigstore', identity: SIGSTORE_IDENTITY, issuer: SIGSTORE_ISSUER, trustedRoot: noCa },
    });
    expect(r.verified).toBe(false);
    // Without the Rekor log keys, the transparency log entry proves nothing.
    const noLog = join(root, 'no-log-root.json');
    writeFileSync(noLog, JSON.stringify({ ...rootJson, tlogs: [] }));
    expect(
      (
        await verify(join(VECTORS, keyless.name), keyless, {
          trust: { kind: 'sigstore', identity: SIGSTORE_IDENTITY, issuer: SIGSTORE_ISSUER, trustedRoot: noLog },
        })
      ).verified,
    ).toBe(false);
    await expect(
      verify(join(VECTORS, keyless.name), keyless, {
        trust: { kind: 'sigstore', identity: SIGSTORE_IDENTITY, issuer: SIGSTORE_ISSUER, trustedRoot: join(root, 'missing.json') },
      }),
    ).rejects.toMatchObject({ code: 'USAGE' });
  });

  it('a key bundle is not accepted as Sigstore, nor a Sigstore bundle as a key bundle', async () => {
    const key = ALL.find((v) => v.name === 'v1.1.0-elliptic-key')!;
    const keyless = ALL.find((v) => v.name === 'v1.1.0-sigstore')!;
    expect((await verify(join(VECTORS, key.name), key, { trust: trustFor('sigstore') })).verified).toBe(false);
    expect((await verify(join(VECTORS, keyless.name), keyless, { trust: trustFor('elliptic-key') })).verified).toBe(false);
  });
});
