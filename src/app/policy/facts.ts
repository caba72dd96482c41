/**
 * What the policy gate is told rather than what it reads from the report: facts that other
 * commands established (a lock check, a signature check). The caller passes them to decide().
 */

/** The result of checking the target against a lock (`modelgate.lock`). */
export interface LockFacts {
  /** A lock was found and compared. */
  checked: boolean;
  /** Every file matched the lock. */
  ok: boolean;
  /** What did not match, one line each ("model.bin: sha256 differs"). */
  problems: string[];
}

/** The result of checking the target's signature (`model.sig`, or `--signature FILE`). */
export interface SignatureFacts {
  /** A signature was found and a check was attempted. */
  checked: boolean;
  /** The signature verified over the target's files. */
  verified: boolean;
  /** The signer's certificate identity (keyless signing). */
  identity?: string;
  /** The OIDC issuer of `identity`. */
  issuer?: string;
  /** The fingerprint of the signing key (key-based signing). */
  keyFingerprint?: string;
  /** Why the check failed, when it did. */
  error?: string;
}

/** Facts for decide(); a rule that needs a fact which is absent denies. */
export interface PolicyFacts {
  lock?: LockFacts;
  signature?: SignatureFacts;
}
