/**
 * The registry (the airlock): submissions through a pipeline to review, four-eyes approval with
 * signed evidence, the inventory of versions and deployments, lineage and its blast radius,
 * revocation, webhooks and the audit log. docs/design/REGISTRY.md tells the states and roles.
 */
export { loadRegistryConfig, type RegistryConfig } from './config.js';
export { openRegistry, verifyRegistryAudit, type Registry, type OpenRegistryOptions } from './registry.js';
export { ROLES, isRole, type Principal, type Role } from './roles.js';
export { authenticate, bootstrapAdmin, createToken, revokeTokens } from './tokens.js';
export { abandonUpload, createSubmission, finishUpload, uploadFile, type SubmissionInput, type SubmissionSource } from './submissions.js';
export { approve, approvalsNeeded, reject, review, waive, type WaiverInput } from './decisions.js';
export { deploy, undeploy, type DeployInput } from './deployments.js';
export { revoke, type Revocation } from './revoke.js';
export { reviewEvidence, type ReviewEvidence, type ReviewFinding } from './review-evidence.js';
export { rescanStale, rescanVersion, staleVersions, type Rescanned } from './rescan.js';
export { impactOf, type Impact } from './impact.js';
export {
  attestation,
  deploymentsAt,
  deploymentsHolding,
  getModel,
  listModels,
  versionReport,
  versionView,
  type ModelView,
  type VersionView,
} from './inventory.js';
export { addWebhook, webhookSignature, WEBHOOK_EVENTS } from './webhooks.js';
export type { RegistryContext } from './context.js';
export { MOVING_REVISIONS, resolveServed, servedBlobPath, servedCommit, type NotServed, type ServedFile, type ServedVersion } from './hf-serving.js';
export * from './ui-queries.js';
