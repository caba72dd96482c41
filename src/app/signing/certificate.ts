import { X509Certificate } from 'node:crypto';
import { ModelgateError } from '../../core/errors.js';
import { certificateExtensions, extendedKeyUsages, keyUsageBits, OID, type Extension } from './der.js';

/** Longest chain followed from the signing certificate to a trusted one. */
const MAX_CHAIN_LENGTH = 8;
/** Extensions understood here; any other marked critical makes a certificate unusable (RFC 5280 §4.2). */
const KNOWN_CRITICAL = new Set(['2.5.29.15', '2.5.29.37', '2.5.29.19', '2.5.29.17', '2.5.29.14', '2.5.29.35']);

const bad = (message: string): ModelgateError => new ModelgateError('SIGNATURE_INVALID', message);

/** Every certificate of PEM text (a file may hold several). */
export function parsePemCertificates(pem: string, what: string): X509Certificate[] {
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  if (blocks.length === 0) throw new ModelgateError('USAGE', `${what} holds no PEM certificate`);
  return blocks.map((b) => {
    try {
      return new X509Certificate(b);
    } catch (e) {
      throw new ModelgateError('USAGE', `${what} holds a certificate that does not parse: ${(e as Error).message}`, { cause: e });
    }
  });
}

function parseDer(der: Buffer, what: string): X509Certificate {
  try {
    return new X509Certificate(der);
  } catch (e) {
    throw new ModelgateError('SIGNATURE_INVALID', `${what} is not an X.509 certificate`, { cause: e });
  }
}

const find = (exts: Extension[], oid: string): Extension | undefined => exts.find((e) => e.oid === oid);

function checkCritical(cert: X509Certificate, exts: Extension[]): void {
  const unknown = exts.find((e) => e.critical && !KNOWN_CRITICAL.has(e.oid));
  if (unknown) throw bad(`certificate ${cert.subject} has a critical extension ${unknown.oid} modelgate does not check`);
}

function checkTime(cert: X509Certificate, at: Date): void {
  if (at.getTime() < Date.parse(cert.validFrom) || at.getTime() > Date.parse(cert.validTo)) {
    throw bad(`certificate ${cert.subject.replace(/\n/g, ', ')} was not valid at ${at.toISOString()} (valid ${cert.validFrom} to ${cert.validTo})`);
  }
}

/** An issuing certificate must be a CA (basic constraints) allowed to sign certificates (key usage, when present). */
function checkIssuer(cert: X509Certificate): void {
  const exts = certificateExtensions(cert.raw);
  checkCritical(cert, exts);
  if (!cert.ca) throw bad(`certificate ${cert.subject.replace(/\n/g, ', ')} issues another but is not a CA`);
  const ku = find(exts, OID.keyUsage);
  if (ku && !keyUsageBits(ku).keyCertSign) throw bad(`CA certificate ${cert.subject.replace(/\n/g, ', ')} may not sign certificates (key usage)`);
}

/** The signing certificate must allow signing: digitalSignature, or the code-signing purpose (as the reference checks). */
function checkLeaf(cert: X509Certificate): void {
  const exts = certificateExtensions(cert.raw);
  checkCritical(cert, exts);
  const ku = find(exts, OID.keyUsage);
  const eku = find(exts, OID.extKeyUsage);
  const signs = (ku !== undefined && keyUsageBits(ku).digitalSignature) || (eku !== undefined && extendedKeyUsages(eku).includes(OID.codeSigning));
  if (!signs) throw bad('the signing certificate may not be used for signing (no digitalSignature key usage or code-signing purpose)');
}

export interface ChainResult {
  leaf: X509Certificate;
  /** The trusted certificate the chain ends at. */
  anchor: X509Certificate;
  /** When the chain was checked: the signing certificate's start of validity (there is no trusted timestamp). */
  checkedAt: Date;
}

/**
 * Validates a bundle's certificate chain (leaf first) against trusted certificates: each
 * certificate is issued and signed by the next, issuers are CAs, every certificate is valid at
 * the leaf's notBefore (the reference's choice, since key-based bundles carry no timestamp),
 * and the path ends at a self-signed root the caller trusts (compared byte for byte): trusting
 * an intermediate or the signing certificate alone is not enough, as in the reference.
 */
export function validateChain(chainDer: Buffer[], trusted: X509Certificate[]): ChainResult {
  const [leafDer, ...rest] = chainDer;
  if (leafDer === undefined) throw new ModelgateError('SIGNATURE_INVALID', 'the certificate chain is empty');
  const leaf = parseDer(leafDer, 'the signing certificate');
  const intermediates = rest.map((d, i) => parseDer(d, `chain certificate #${i + 1}`));
  const checkedAt = new Date(Date.parse(leaf.validFrom));
  const isTrusted = (c: X509Certificate): boolean => trusted.some((t) => t.raw.equals(c.raw));
  checkLeaf(leaf);
  let current = leaf;
  for (let depth = 0; depth <= MAX_CHAIN_LENGTH; depth++) {
    checkTime(current, checkedAt);
    // As OpenSSL's default store does, trust ends at a self-signed root the caller named.
    if (isTrusted(current) && current.checkIssued(current) && current.verify(current.publicKey)) return { leaf, anchor: current, checkedAt };
    const issuer = [...trusted, ...intermediates].find((c) => !c.raw.equals(current.raw) && current.checkIssued(c) && current.verify(c.publicKey));
    if (!issuer) throw bad(`no trusted certificate issued ${current.subject.replace(/\n/g, ', ')} (issuer ${current.issuer.replace(/\n/g, ', ')})`);
    checkIssuer(issuer);
    current = issuer;
  }
  throw bad(`the certificate chain is longer than ${MAX_CHAIN_LENGTH}`);
}
