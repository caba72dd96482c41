import { createPrivateKey, createPublicKey, sign, type KeyObject, type X509Certificate } from 'node:crypto';
import { dirname, join, relative, resolve } from 'node:path';
import { statSync } from 'node:fs';
import { ModelgateError } from '../../core/errors.js';
import { parsePemCertificates } from './certificate.js';
import { pae } from './dsse.js';
import { keyHint, signingHash } from './keys.js';
import { BUNDLE_MEDIA_TYPE, DEFAULT_SIGNATURE, DSSE_PAYLOAD_TYPE, GIT_IGNORES, type Manifest, type Method } from './model.js';
import { normalizeIgnore } from './paths.js';
import { serializeModel } from './serialize.js';
import { buildStatement } from './statement.js';

export interface SignOptions {
  modelPath: string;
  /** Where the signature will be written (left out of the manifest when inside the model). */
  signaturePath: string;
  /** PEM private key: ECDSA P-256, P-384 (P-521) or Ed25519; unencrypted PKCS#8 or SEC1. */
  privateKey: Buffer;
  /** PEM signing certificate for `privateKey`; with it the bundle carries the certificate chain. */
  certificate?: Buffer;
  /** PEM files of the certificates above the signing certificate (intermediates, root). */
  certificateChain?: Buffer[];
  /** Paths to leave out, relative to the model (or absolute inside it). */
  ignorePaths?: string[];
  /** Leave out git's files (.git, .gitattributes, .github, .gitignore), as the reference does by default. */
  ignoreGitPaths?: boolean;
  method?: Method;
  shardSize?: number;
}

export interface SignResult {
  bundle: Record<string, unknown>;
  manifest: Manifest;
}

/** The signature's default place: `model.sig` at the folder's root, or beside a single-file model. */
export function defaultSignaturePath(modelPath: string): string {
  let isDir = false;
  try {
    isDir = statSync(modelPath).isDirectory();
  } catch {
    // An unreadable target is reported by whoever reads it.
  }
  return isDir ? join(modelPath, DEFAULT_SIGNATURE) : join(dirname(modelPath), DEFAULT_SIGNATURE);
}

function loadPrivateKey(pem: Buffer): KeyObject {
  try {
    return createPrivateKey(pem);
  } catch (e) {
    throw new ModelgateError('USAGE', `the private key does not load (PEM, unencrypted): ${(e as Error).message}`, { cause: e });
  }
}

function sameKey(a: KeyObject, b: KeyObject): boolean {
  return a.export({ type: 'spki', format: 'der' }).equals(b.export({ type: 'spki', format: 'der' }));
}

/** What the bundle's verificationMaterial holds: a key hint, or the certificate and its chain (DER, leaf first). */
function material(key: KeyObject, options: SignOptions): Record<string, unknown> {
  if (!options.certificate) return { publicKey: { hint: keyHint(key) }, tlogEntries: [] };
  // parsePemCertificates throws when the file holds no certificate.
  const leaf = parsePemCertificates(options.certificate.toString('utf8'), 'the signing certificate')[0]!;
  if (!sameKey(leaf.publicKey, key)) throw new ModelgateError('USAGE', 'the signing certificate is not for the private key');
  const chain: X509Certificate[] = (options.certificateChain ?? []).flatMap((pem, i) =>
    parsePemCertificates(pem.toString('utf8'), `certificate chain file #${i + 1}`),
  );
  return { x509CertificateChain: { certificates: [leaf, ...chain].map((c) => ({ rawBytes: c.raw.toString('base64') })) }, tlogEntries: [] };
}

/** The paths left out: git's files, the signature itself when inside the model, and the caller's. */
function ignoresFor(options: SignOptions): string[] {
  const out = new Set<string>(options.ignoreGitPaths === false ? [] : GIT_IGNORES);
  const sigRel = relative(resolve(options.modelPath), resolve(options.signaturePath)).split('\\').join('/');
  if (sigRel !== '' && !sigRel.startsWith('..')) out.add(sigRel);
  for (const p of options.ignorePaths ?? []) out.add(normalizeIgnore(options.modelPath, p));
  return [...out];
}

/**
 * Signs a model as the reference signer does: hash every file (or shard), build the in-toto
 * statement with the `https://model_signing/signature/v1.0` predicate, sign its DSSE PAE, and
 * wrap it in a v0.3 Sigstore bundle (`keyid` empty, no transparency log entries).
 */
export async function signModel(options: SignOptions): Promise<SignResult> {
  const privateKey = loadPrivateKey(options.privateKey);
  const publicKey = createPublicKey(privateKey);
  const hash = signingHash(publicKey);
  const verificationMaterial = material(publicKey, options);
  let isFile = false;
  try {
    isFile = statSync(options.modelPath).isFile();
  } catch (e) {
    throw new ModelgateError('UNREADABLE', `cannot read ${options.modelPath}: ${(e as Error).message}`, { cause: e });
  }
  // A single-file model has nothing to ignore (the reference records none).
  const manifest = await serializeModel(options.modelPath, {
    method: options.method ?? 'files',
    shardSize: options.shardSize,
    ignorePaths: isFile ? [] : ignoresFor(options),
  });
  if (manifest.resources.length === 0) throw new ModelgateError('USAGE', `${options.modelPath} holds no file to sign once ignored paths are left out`);
  const payload = Buffer.from(JSON.stringify(buildStatement(manifest), null, 2), 'utf8');
  const signature = sign(hash, pae(DSSE_PAYLOAD_TYPE, payload), privateKey);
  const bundle = {
    mediaType: BUNDLE_MEDIA_TYPE,
    verificationMaterial,
    dsseEnvelope: { payload: payload.toString('base64'), payloadType: DSSE_PAYLOAD_TYPE, signatures: [{ sig: signature.toString('base64'), keyid: '' }] },
  };
  return { bundle, manifest };
}
