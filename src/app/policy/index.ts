/**
 * The policy gate (issue 4): a YAML policy, read only from `--policy FILE`, `MODELGATE_POLICY`
 * or the user's config folder (never from the scanned target), and decide(), which turns a
 * scan result into allow or deny with reasons. docs/policy.md documents the format.
 */
export { decide, MAX_REASONS_PER_RULE } from './decide.js';
export type { LockFacts, PolicyFacts, SignatureFacts } from './facts.js';
export { DEFAULT_EXEMPT_FORMATS, MODEL_FORMATS } from './formats.js';
export type { PolicyIssue } from './issues.js';
export { policyJsonSchema } from './json-schema.js';
export { type LoadedPolicy, loadPolicy, type LoadPolicyOptions, policyConfigDir } from './load.js';
export { MAX_POLICY_BYTES, type ParsedPolicy, parsePolicy, PolicyError } from './parse.js';
export { type Policy, type PolicyInput, type PolicyOverride, PolicySchema } from './schema.js';
