/** OpenSSF model signing: sign, verify, and the facts the policy gate needs; SLSA VSAs of model versions. */
export { signatureFacts, type SignatureFactsOptions, type SignerRequirement } from './facts.js';
export { defaultSignaturePath, signModel, type SignOptions, type SignResult } from './sign.js';
export { modelRootDigest, signModelDigests, type DigestSelection, type DigestSignOptions } from './sign-digests.js';
export { digestFolder, type FileDigest, type FolderDigestOptions } from './digests.js';
export { verifyModelSignature, type TrustMethod, type VerifyOptions, type VerifyResult } from './verify.js';
export { DEFAULT_TRUSTED_ROOT } from './sigstore.js';
export { BUNDLE_MEDIA_TYPE, DEFAULT_SIGNATURE, PREDICATE_TYPE, PREDICATE_TYPE_V01 } from './model.js';
export type { DsseEnvelope } from './dsse.js';
export { buildVsa, readEnvelopeFile, signVsa, verifyVsa, type VsaInput, type VsaVerifyResult } from './vsa.js';
export type { VsaExpectations } from './vsa-expect.js';
export { VSA_PREDICATE_TYPE, type DigestSet, type VerificationResult, type VsaPredicate, type VsaStatement } from './vsa-statement.js';
