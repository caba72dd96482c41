import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { bundleFromJSON, isBundleWithDsseEnvelope } from '@sigstore/bundle';
import { TrustedRoot } from '@sigstore/protobuf-specs';
import { toSignedEntity, toTrustMaterial, Verifier } from '@sigstore/verify';
import { fsReason, ModelgateError } from '../../core/errors.js';

/**
 * The Sigstore public-good trusted root (Fulcio CAs, Rekor and CT log keys, timestamp
 * authority), pinned in the package: verification never asks the network for a fresher one.
 * Pass another with `--trusted-root FILE` (for example one fetched with `sigstore` TUF tools).
 */
export const DEFAULT_TRUSTED_ROOT = fileURLToPath(new URL('../../../data/sigstore/trusted_root.json', import.meta.url));

export interface KeylessSigner {
  /** The certificate's subject alternative name: an e-mail, a URI (a CI workflow) … */
  identity: string;
  /** The OIDC issuer that Fulcio recorded in the certificate. */
  issuer: string;
}

function loadTrustedRoot(path: string): TrustedRoot {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new ModelgateError('USAGE', `cannot read the trusted root ${path}: ${fsReason(e)}`, { cause: e });
  }
  try {
    return TrustedRoot.fromJSON(json);
  } catch (e) {
    throw new ModelgateError('USAGE', `${path} is not a Sigstore trusted root: ${(e as Error).message}`, { cause: e });
  }
}

/**
 * Verifies a Sigstore keyless bundle offline: the certificate chains to a Fulcio CA of the
 * trusted root, at least one Rekor entry (with its inclusion promise or proof) and one CT log
 * SCT check out, the signing time falls within the certificate, and the DSSE signature
 * verifies. Returns who signed, as the certificate says; the caller compares it with what it
 * expects, exactly (the library's own identity check is a regular expression match).
 */
export function verifyKeyless(bundleJson: unknown, trustedRootPath: string = DEFAULT_TRUSTED_ROOT): KeylessSigner {
  const root = loadTrustedRoot(trustedRootPath);
  try {
    const bundle = bundleFromJSON(bundleJson);
    if (!isBundleWithDsseEnvelope(bundle)) throw new ModelgateError('SIGNATURE_INVALID', 'the Sigstore bundle does not hold a DSSE envelope');
    const verifier = new Verifier(toTrustMaterial(root), { tlogThreshold: 1, ctlogThreshold: 1 });
    const signer = verifier.verify(toSignedEntity(bundle));
    const identity = signer.identity?.subjectAlternativeName;
    const issuer = signer.identity?.extensions?.issuer;
    if (!identity || !issuer) throw new ModelgateError('SIGNATURE_INVALID', 'the Sigstore certificate names no identity or issuer');
    return { identity, issuer };
  } catch (e) {
    if (e instanceof ModelgateError) throw e;
    throw new ModelgateError('SIGNATURE_INVALID', `Sigstore verification failed: ${(e as Error).message}`, { cause: e });
  }
}
