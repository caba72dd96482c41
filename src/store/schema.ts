import type { Generated } from 'kysely';

/**
 * The registry's tables, the same on SQLite and PostgreSQL: ids are text (random UUIDs or
 * content digests), times are ISO-8601 text in UTC (they sort as text on both), JSON is text.
 * docs/design/REGISTRY.md explains each table and the pipeline states.
 */
export interface Database {
  tokens: TokensTable;
  models: ModelsTable;
  versions: VersionsTable;
  version_files: VersionFilesTable;
  transitions: TransitionsTable;
  approvals: ApprovalsTable;
  waivers: WaiversTable;
  attestations: AttestationsTable;
  deployments: DeploymentsTable;
  lineage: LineageTable;
  incidents: IncidentsTable;
  audit: AuditTable;
  webhooks: WebhooksTable;
  deliveries: DeliveriesTable;
  blob_tensors: BlobTensorsTable;
}

export interface TokensTable {
  /** SHA-256 of the token: the token itself is shown once and never stored. */
  token_hash: string;
  principal: string;
  /** Comma-separated roles: submitter, reviewer, approver, admin, auditor. */
  roles: string;
  created_at: string;
  revoked_at: string | null;
}

export interface ModelsTable {
  /** `org/name`, as the Hub names it. */
  id: string;
  owner: string | null;
  business_owner: string | null;
  created_at: string;
}

export interface VersionsTable {
  id: string;
  model_id: string;
  /** upload | hub | path */
  source_kind: string;
  /** The Hub repo, local path or `upload`. */
  source_ref: string;
  /** The Hub commit the files were pinned to. */
  source_commit: string | null;
  /** The OpenSSF model-signing root digest over the files (sha256 hex), once they are all in. */
  root_digest: string | null;
  state: string;
  /** low | high, from the scan; high needs two approvers. */
  risk: string | null;
  verdict: string | null;
  /** The scan report (JSON), as `modelgate scan --format json` writes it. */
  report: string | null;
  /** The provenance key of the engine that made the verdict (tool, format, rule, allow-list versions, limits). */
  provenance_key: string | null;
  policy_digest: string | null;
  /** Why the pipeline stopped (a policy deny, a failure), for the reviewer. */
  state_reason: string | null;
  submitted_by: string;
  /** Who accepted a gated repo's licence (the principal whose token fetched it). */
  licence_accepted_by: string | null;
  created_at: string;
  updated_at: string;
  /** Bumped on every state change: the compare-and-set that keeps two writers from both winning. */
  revision: number;
}

export interface VersionFilesTable {
  version_id: string;
  path: string;
  sha256: string;
  size: number;
}

export interface TransitionsTable {
  id: Generated<number>;
  version_id: string;
  from_state: string | null;
  to_state: string;
  actor: string;
  reason: string | null;
  at: string;
}

export interface ApprovalsTable {
  version_id: string;
  approver: string;
  reason: string | null;
  at: string;
}

export interface WaiversTable {
  id: string;
  version_id: string;
  /** The finding's rule id the waiver covers. */
  rule: string;
  reason: string;
  owner: string;
  expires_at: string;
  created_by: string;
  created_at: string;
}

export interface AttestationsTable {
  version_id: string;
  /** vsa | model-signature | bom | report */
  kind: string;
  body: string;
  sha256: string;
  created_at: string;
}

export interface DeploymentsTable {
  id: string;
  version_id: string;
  environment: string;
  owner: string;
  business_owner: string | null;
  deployed_at: string;
  removed_at: string | null;
  /** active | flagged | removed */
  status: string;
  created_by: string;
}

export interface LineageTable {
  child_version_id: string;
  /** The parent model id (as declared), and its version when one in the registry matches. */
  parent_model_id: string;
  parent_version_id: string | null;
  relation: string;
  /** declared | verified */
  status: string;
  evidence: string;
}

export interface IncidentsTable {
  id: string;
  version_id: string;
  deployment_id: string | null;
  /** revoked | ancestor-revoked | verdict-changed */
  kind: string;
  details: string;
  opened_at: string;
  closed_at: string | null;
}

export interface AuditTable {
  seq: number;
  at: string;
  actor: string;
  action: string;
  subject: string;
  details: string;
  prev_hash: string;
  hash: string;
}

export interface WebhooksTable {
  id: string;
  url: string;
  secret: string;
  events: string;
  created_at: string;
}

export interface DeliveriesTable {
  id: string;
  webhook_id: string;
  event: string;
  payload: string;
  attempts: number;
  next_at: string;
  /** pending | delivered | failed */
  state: string;
  last_error: string | null;
}

export interface BlobTensorsTable {
  sha256: string;
  /** JSON: [[name, dtype, shape, sha256, constant], …]. */
  tensors: string;
}
