import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseBundle } from '../../src/app/signing/bundle.js';
import { certificateExtensions } from '../../src/app/signing/der.js';
import { pythonBytesRepr } from '../../src/app/signing/dsse.js';
import { PREDICATE_TYPE, STATEMENT_TYPE } from '../../src/app/signing/model.js';
import { parseStatement, rootDigest } from '../../src/app/signing/statement.js';
import { VECTORS } from './vectors.js';

const D1 = 'f6310066c7320497ea554260c32c43660bff648cb2a61194832cc086077085e1';
const D2 = '32dcb1f8e1ae52d5963e56a6ba06ab58b424c15ed2a6b70d2feca1d089370028';

/** A v1.0 statement with `resources`, its subject digest computed unless given. */
function statement(
  resources: Array<{ name: string; algorithm?: string; digest: string }>,
  extra: { serialization?: object; subjectDigest?: string; predicateType?: string; subjects?: number } = {},
): Buffer {
  const res = resources.map((r) => ({ algorithm: 'sha256', ...r }));
  const subject = { name: 'm', digest: { sha256: extra.subjectDigest ?? rootDigest(res) } };
  return Buffer.from(
    JSON.stringify({
      _type: STATEMENT_TYPE,
      subject: Array.from({ length: extra.subjects ?? 1 }, () => subject),
      predicateType: extra.predicateType ?? PREDICATE_TYPE,
      predicate: { serialization: extra.serialization ?? { method: 'files', hash_type: 'sha256', allow_symlinks: false }, resources: res },
    }),
  );
}

const codeOf = (f: () => unknown): string | undefined => {
  try {
    f();
  } catch (e) {
    return (e as { code?: string }).code;
  }
  return undefined;
};

describe('statements that must not be accepted', () => {
  const cases: Array<[string, Buffer, string]> = [
    ['not JSON', Buffer.from('{'), 'SIGNATURE_INVALID'],
    ['an unknown predicate type', statement([{ name: 'a', digest: D1 }], { predicateType: 'https://example/other' }), 'SIGNATURE_INVALID'],
    ['two subjects', statement([{ name: 'a', digest: D1 }], { subjects: 2 }), 'SIGNATURE_INVALID'],
    ['a subject digest that is not the resources’', statement([{ name: 'a', digest: D1 }], { subjectDigest: D2 }), 'SIGNATURE_INVALID'],
    ['a name that leaves the model', statement([{ name: '../etc/passwd', digest: D1 }]), 'SIGNATURE_INVALID'],
    ['an absolute name', statement([{ name: '/etc/passwd', digest: D1 }]), 'SIGNATURE_INVALID'],
    [
      'a name listed twice',
      statement([
        { name: 'a', digest: D1 },
        { name: './a', digest: D2 },
      ]),
      'SIGNATURE_INVALID',
    ],
    ['an uppercase or short digest', statement([{ name: 'a', digest: D1.toUpperCase() }]), 'SIGNATURE_INVALID'],
    ['a digest algorithm that is not the serialization’s', statement([{ name: 'a', algorithm: 'sha512', digest: D1 }]), 'SIGNATURE_INVALID'],
    [
      'a hash type other than sha256',
      statement([{ name: 'a', digest: D1 }], { serialization: { method: 'files', hash_type: 'blake2', allow_symlinks: false } }),
      'UNSUPPORTED',
    ],
    [
      'symbolic links followed',
      statement([{ name: 'a', digest: D1 }], { serialization: { method: 'files', hash_type: 'sha256', allow_symlinks: true } }),
      'UNSUPPORTED',
    ],
    [
      'an unknown method',
      statement([{ name: 'a', digest: D1 }], { serialization: { method: 'tensors', hash_type: 'sha256', allow_symlinks: false } }),
      'UNSUPPORTED',
    ],
    [
      'shards without a size',
      statement([{ name: 'a:0:1', algorithm: 'sha256-sharded-1', digest: D1 }], {
        serialization: { method: 'shards', hash_type: 'sha256', allow_symlinks: false },
      }),
      'SIGNATURE_INVALID',
    ],
    [
      'a shard name that is not path:start:end',
      statement([{ name: 'a:1', algorithm: 'sha256-sharded-4', digest: D1 }], {
        serialization: { method: 'shards', hash_type: 'sha256', shard_size: 4, allow_symlinks: false },
      }),
      'SIGNATURE_INVALID',
    ],
  ];
  it.each(cases)('%s', (_name, payload, code) => {
    expect(codeOf(() => parseStatement(payload))).toBe(code);
  });

  it('accepts the same statement when well formed', () => {
    expect(
      parseStatement(
        statement([
          { name: 'a', digest: D1 },
          { name: 'b/c', digest: D2 },
        ]),
      ).resources.map((r) => r.name),
    ).toEqual(['a', 'b/c']);
  });
});

describe('bundles that must not be accepted', () => {
  const reference = JSON.parse(readFileSync(join(VECTORS, 'v1.1.0-certificate', 'model.sig'), 'utf8'));
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const variant = (edit: (b: Record<string, any>) => void): string => {
    const b = structuredClone(reference);
    edit(b);
    return JSON.stringify(b);
  };
  it.each<[string, string]>([
    ['not JSON', 'model.sig'],
    ['no envelope', variant((b) => delete b.dsseEnvelope)],
    ['two signatures', variant((b) => b.dsseEnvelope.signatures.push(b.dsseEnvelope.signatures[0]))],
    ['no signature', variant((b) => (b.dsseEnvelope.signatures = []))],
    ['a payload that is not base64', variant((b) => (b.dsseEnvelope.payload = 'not*base64'))],
    ['a key and a chain at once', variant((b) => (b.verificationMaterial.publicKey = { hint: 'x' }))],
    ['no verification material', variant((b) => delete b.verificationMaterial)],
    ['a message signature', variant((b) => (b.messageSignature = {}))],
  ])('%s', (_name, text) => {
    expect(codeOf(() => parseBundle(text))).toBe('SIGNATURE_INVALID');
  });
});

describe('the v0.2 encoding', () => {
  it("reproduces Python's repr of bytes", () => {
    expect(pythonBytesRepr(Buffer.from('{\n  "a": 1\t}'))).toBe(`b'{\\n  "a": 1\\t}'`);
    expect(pythonBytesRepr(Buffer.from("it's"))).toBe(`b"it's"`);
    expect(pythonBytesRepr(Buffer.from(`'"\\`))).toBe(`b'\\'"\\\\'`);
    expect(pythonBytesRepr(Buffer.from([0x00, 0x7f, 0xe9, 0x41]))).toBe(`b'\\x00\\x7f\\xe9A'`);
  });
});

describe('certificate DER that must not be accepted', () => {
  it('makes an empty extension SIGNATURE_INVALID, not a crash', () => {
    // Certificate { TBSCertificate { [3] { Extensions { Extension {} } } } }: the extension has no extnID.
    const der = Buffer.from([0x30, 0x08, 0x30, 0x06, 0xa3, 0x04, 0x30, 0x02, 0x30, 0x00]);
    expect(codeOf(() => certificateExtensions(der))).toBe('SIGNATURE_INVALID');
  });
});
