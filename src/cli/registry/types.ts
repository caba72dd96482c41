/**
 * The JSON the registry API answers with, typed by the app layer's own types (type-only: the
 * client talks to the server over HTTP and loads none of the registry's code for it).
 */
import type { Impact, ModelView, Revocation, verifyRegistryAudit, VersionView } from '../../app/registry/index.js';

export type { Impact, ModelView, VersionView };
/** A version row, as the decisions answer (review, approve, reject, finish). */
export type VersionRow = Revocation['version'];
/** A version as the inventory lists it. */
export type VersionSummary = ModelView['versions'][number];
export type Deployment = VersionView['deployments'][number];
/** A deployment with its model, as the deployment queries answer. */
export type ModelDeployment = Impact['deployments'][number] & { path?: string };
export type Waiver = VersionView['waivers'][number];
export type AuditCheck = Awaited<ReturnType<typeof verifyRegistryAudit>>;

/** `POST /api/versions/{id}/revoke`. */
export interface RevokeAnswer {
  version: VersionRow;
  incidents: number;
  impact: Impact;
}

/** `PUT /api/versions/{id}/files/{path}`. */
export interface UploadAnswer {
  path: string;
  sha256: string;
  size: number;
}

/** `POST /api/tokens`. */
export interface TokenAnswer {
  principal: string;
  roles: string[];
  token: string;
}

/** One record of `GET /api/audit`. */
export interface AuditRecord {
  seq: number;
  at: string;
  actor: string;
  action: string;
  subject: string;
  details: unknown;
  prev_hash: string;
  hash: string;
}
