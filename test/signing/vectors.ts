import { chmodSync, cpSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { TrustMethod } from '../../src/app/signing/verify.js';

/** The reference implementation's published vectors (test/fixtures/model-signing, README there). */
export const VECTORS = resolve('test/fixtures/model-signing');
export const KEYS = join(VECTORS, 'keys');
export const SIGSTORE_IDENTITY = 'stefanb@us.ibm.com';
export const SIGSTORE_ISSUER = 'https://sigstore.verify.ibm.com/oauth2';

export interface Vector {
  name: string;
  method: 'certificate' | 'elliptic-key' | 'sigstore';
  /** The model path relative to the vector folder ('.' for the folder). */
  model: string;
  ignore: string[];
}

/** Every vector folder with the parameters of the README's table. */
export function vectors(): Vector[] {
  return readdirSync(VECTORS)
    .filter((n) => /^v\d/.test(n))
    .sort()
    .map((name) => {
      const method = name.replace(/^v[\d.]+-/, '') as Vector['method'];
      const version = name.split('-')[0];
      const single = method === 'elliptic-key' && (version === 'v0.3.1' || version === 'v1.0.0');
      const ignore = version === 'v1.0.1' || version === 'v1.1.0' ? ['ignore-me'] : [];
      return { name, method, model: single ? 'signme-1' : '.', ignore };
    });
}

export function trustFor(method: Vector['method']): TrustMethod {
  if (method === 'certificate') return { kind: 'certificate', chain: [readFileSync(join(KEYS, 'ca-cert.pem'))] };
  if (method === 'elliptic-key') return { kind: 'key', publicKey: readFileSync(join(KEYS, 'signing-key-pub.pem')) };
  return { kind: 'sigstore', identity: SIGSTORE_IDENTITY, issuer: SIGSTORE_ISSUER };
}

/** A writable copy of a vector folder in a temp folder (tests change its bytes; the committed vectors stay as published). */
export function copyVector(name: string, root: string = mkdtempSync(join(tmpdir(), 'mg-vec-'))): string {
  const dest = join(root, name);
  cpSync(join(VECTORS, name), dest, { recursive: true });
  chmodSync(dest, 0o755);
  for (const f of readdirSync(dest)) if (statSync(join(dest, f)).isFile()) chmodSync(join(dest, f), 0o644);
  return dest;
}
