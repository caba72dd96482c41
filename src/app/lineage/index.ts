/** Lineage of model versions: declared parents, and the evidence that verifies them. */
export { declaredParents } from './declared.js';
export { RELATIONS } from './model.js';
export type { DeclarationSource, DeclaredParent, EdgeVerdict, ReadFile, Relation, TensorDigest, VersionEvidence } from './model.js';
export { tensorDigests } from './tensors.js';
export { verifyEdge } from './verify.js';
