import { createHash, generateKeyPairSync } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { digestFolder, type FileDigest } from '../../src/app/signing/digests.js';
import { modelRootDigest, signModelDigests } from '../../src/app/signing/sign-digests.js';
import { signModel } from '../../src/app/signing/sign.js';
import { parseStatement } from '../../src/app/signing/statement.js';
import { verifyModelSignature, type TrustMethod } from '../../src/app/signing/verify.js';
import { KEYS, VECTORS } from './vectors.js';

const root = mkdtempSync(join(tmpdir(), 'mg-digests-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const sha256 = (bytes: string | Buffer): string => createHash('sha256').update(bytes).digest('hex');

/** A model folder as a registry holds one: nested files, an empty file, a .gitattributes; and its file list. */
function model(): { dir: string; files: FileDigest[] } {
  const dir = mkdtempSync(join(root, 'model-'));
  const contents: Record<string, string | Buffer> = {
    'config.json': '{"model_type": "bert"}',
    'model.safetensors': Buffer.alloc(10_000, 7),
    'sub/deep/vocab.txt': 'a\nb\n',
    'sub-file': 'sorts after sub/ in the reference order',
    empty: '',
    '.gitattributes': '*.safetensors filter=lfs\n',
  };
  mkdirSync(join(dir, 'sub', 'deep'), { recursive: true });
  for (const [path, bytes] of Object.entries(contents)) writeFileSync(join(dir, path), bytes);
  return { dir, files: Object.entries(contents).map(([path, bytes]) => ({ path, sha256: sha256(bytes) })) };
}

const pem = (k: { export(o: { type: 'pkcs8' | 'spki'; format: 'pem' }): string | Buffer }, type: 'pkcs8' | 'spki'): Buffer =>
  Buffer.from(k.export({ type, format: 'pem' }));

const payloadOf = (bundle: Record<string, unknown>): Buffer => Buffer.from((bundle.dsseEnvelope as { payload: string }).payload, 'base64');

describe('signModelDigests', () => {
  it.each([
    ['ECDSA P-256', () => generateKeyPairSync('ec', { namedCurve: 'prime256v1' })],
    ['Ed25519', () => generateKeyPairSync('ed25519')],
  ] as const)('signs known digests that verifyModelSignature verifies on the folder (%s)', async (_name, make) => {
    const { privateKey, publicKey } = make();
    const { dir, files } = model();
    const { bundle, manifest } = signModelDigests(files, pem(privateKey, 'pkcs8'), { modelName: 'org/bert@v1' });
    // .gitattributes is left out, as modelgate sign leaves it out.
    expect(manifest.resources.map((r) => r.name)).toEqual(['config.json', 'empty', 'model.safetensors', 'sub/deep/vocab.txt', 'sub-file']);
    const signaturePath = join(dir, 'model.sig');
    writeFileSync(signaturePath, JSON.stringify(bundle));
    const trust: TrustMethod = { kind: 'key', publicKey: pem(publicKey, 'spki') };
    const ok = await verifyModelSignature({ modelPath: dir, signaturePath, trust });
    expect(ok.problems).toEqual([]);
    expect(ok.verified).toBe(true);
    expect(ok.checked).toBe(5);
    writeFileSync(join(dir, 'sub', 'deep', 'vocab.txt'), 'a\nc\n');
    const bad = await verifyModelSignature({ modelPath: dir, signaturePath, trust });
    expect(bad.problems).toEqual(['sub/deep/vocab.txt: contents differ from the signed digest']);
  });

  it('signs the same resources and subject digest as signModel reading the folder', async () => {
    const privateKey = readFileSync(join(KEYS, 'signing-key.pem'));
    const { dir, files } = model();
    const fromDisk = await signModel({ modelPath: dir, signaturePath: join(dir, 'model.sig'), privateKey });
    const fromDigests = signModelDigests([...files].reverse(), privateKey, { modelName: basename(dir) });
    const disk = parseStatement(payloadOf(fromDisk.bundle));
    const known = parseStatement(payloadOf(fromDigests.bundle));
    expect(known.resources).toEqual(disk.resources);
    expect(known.modelName).toBe(disk.modelName);
    expect(fromDigests.bundle.verificationMaterial).toEqual(fromDisk.bundle.verificationMaterial);
    const subject = (JSON.parse(payloadOf(fromDigests.bundle).toString()) as { subject: Array<{ digest: { sha256: string } }> }).subject[0]!;
    expect(subject.digest.sha256).toBe(modelRootDigest(files));
  });

  it('carries a certificate chain when given one', () => {
    const { files } = model();
    const { bundle } = signModelDigests(files, readFileSync(join(KEYS, 'signing-key.pem')), {
      certificate: readFileSync(join(KEYS, 'signing-key-cert.pem')),
      certificateChain: [readFileSync(join(KEYS, 'int-ca-cert.pem'))],
    });
    expect((bundle.verificationMaterial as { x509CertificateChain: { certificates: unknown[] } }).x509CertificateChain.certificates).toHaveLength(2);
  });

  it('refuses bad lists and keys with USAGE', () => {
    const key = readFileSync(join(KEYS, 'signing-key.pem'));
    const d = sha256('x');
    const usage = expect.objectContaining({ code: 'USAGE' });
    expect(() => signModelDigests([{ path: '../etc/passwd', sha256: d }], key)).toThrow(usage);
    expect(() => signModelDigests([{ path: '/abs', sha256: d }], key)).toThrow(usage);
    expect(() => signModelDigests([{ path: 'a', sha256: 'abc' }], key)).toThrow(usage);
    expect(() =>
      signModelDigests(
        [
          { path: 'a', sha256: d },
          { path: './a', sha256: d },
        ],
        key,
      ),
    ).toThrow(usage);
    expect(() => signModelDigests([{ path: '.gitattributes', sha256: d }], key)).toThrow(usage);
    expect(() => signModelDigests([], key)).toThrow(usage);
    expect(() => signModelDigests([{ path: 'a', sha256: d }], 'not a key')).toThrow(usage);
    expect(() => signModelDigests([{ path: 'a', sha256: d }], key, { ignorePaths: ['../x'] })).toThrow(usage);
  });
});

describe('modelRootDigest', () => {
  it("is the reference's own subject digest (v1.1.0 vector)", async () => {
    const dir = join(VECTORS, 'v1.1.0-elliptic-key');
    const files = await digestFolder(dir, { ignorePaths: ['ignore-me'] });
    expect(files.map((f) => f.path)).toEqual(['signme-1', 'signme-2']);
    expect(modelRootDigest(files)).toBe('92745110b1ab4368471cbe31664e10174e954b113a3df333db860317b2c6dec4');
  });

  it('is SHA-256 over the raw digests in canonical path order, whatever the order given', () => {
    const files = [
      { path: 'sub-file', sha256: sha256('1') },
      { path: 'sub/a', sha256: sha256('2').toUpperCase() },
      { path: 'a', sha256: sha256('3') },
    ];
    const expected = sha256(Buffer.concat([sha256('3'), sha256('2'), sha256('1')].map((h) => Buffer.from(h, 'hex'))));
    expect(modelRootDigest(files)).toBe(expected);
    expect(modelRootDigest([...files].reverse())).toBe(expected);
  });

  it("leaves out git's files unless asked, and the caller's ignore paths", () => {
    const a = { path: 'a', sha256: sha256('a') };
    const git = { path: '.gitattributes', sha256: sha256('g') };
    const docs = { path: 'docs/readme.md', sha256: sha256('d') };
    expect(modelRootDigest([a, git])).toBe(modelRootDigest([a]));
    expect(modelRootDigest([a, git], { ignoreGitPaths: false })).not.toBe(modelRootDigest([a]));
    expect(modelRootDigest([a, docs], { ignorePaths: ['docs/'] })).toBe(modelRootDigest([a]));
  });
});
