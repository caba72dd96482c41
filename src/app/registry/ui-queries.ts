import type { AuditTable, IncidentsTable, LineageTable, ModelsTable, VersionsTable } from '../../store/index.js';
import type { RegistryContext } from './context.js';

/** Rows the UI shows as they are stored. */
export type AuditRecord = AuditTable;
export type IncidentRecord = IncidentsTable;
export type ModelRecord = ModelsTable;

/** A version as a list shows it: no report, no digests. */
export type VersionSummary = Pick<VersionsTable, 'id' | 'model_id' | 'state' | 'verdict' | 'risk' | 'submitted_by' | 'created_at'>;

/** Ids per query: an `in (…)` list stays far below SQLite's and PostgreSQL's parameter limits. */
const MAX_IDS = 500;
/** Ancestors are walked this many generations up at most: a picture, not an audit. */
export const MAX_ANCESTOR_DEPTH = 8;
/** Audit records per page of the audit view. */
export const MAX_AUDIT_RECORDS = 500;

function bounded(ids: readonly string[]): string[] {
  return [...new Set(ids)].slice(0, MAX_IDS);
}

/** Summaries of the versions with these ids (unknown ids are left out). */
export async function versionSummaries(ctx: RegistryContext, ids: readonly string[]): Promise<VersionSummary[]> {
  const wanted = bounded(ids);
  if (wanted.length === 0) return [];
  return ctx.db.kysely
    .selectFrom('versions')
    .select(['id', 'model_id', 'state', 'verdict', 'risk', 'submitted_by', 'created_at'])
    .where('id', 'in', wanted)
    .execute();
}

/** Live deployments (not removed) per version id, flagged ones counted apart. */
export async function deploymentCounts(ctx: RegistryContext, ids: readonly string[]): Promise<Map<string, { live: number; flagged: number }>> {
  const counts = new Map<string, { live: number; flagged: number }>();
  const wanted = bounded(ids);
  if (wanted.length === 0) return counts;
  const rows = await ctx.db.kysely
    .selectFrom('deployments')
    .select(['version_id', 'status'])
    .where('version_id', 'in', wanted)
    .where('removed_at', 'is', null)
    .execute();
  for (const row of rows) {
    const c = counts.get(row.version_id) ?? { live: 0, flagged: 0 };
    c.live++;
    if (row.status === 'flagged') c.flagged++;
    counts.set(row.version_id, c);
  }
  return counts;
}

/** One lineage edge above a version, and how many generations up its child is. */
export interface AncestorEdge {
  edge: LineageTable;
  /** 1 for the version's own parents, 2 for theirs… */
  depth: number;
}

/**
 * The lineage edges above a version, generation by generation, up to MAX_ANCESTOR_DEPTH: an edge
 * naming a registry version is followed up; one naming only a model ends there.
 */
export async function lineageAncestors(ctx: RegistryContext, versionId: string): Promise<AncestorEdge[]> {
  const found: AncestorEdge[] = [];
  const seen = new Set([versionId]);
  let frontier = [versionId];
  for (let depth = 1; depth <= MAX_ANCESTOR_DEPTH && frontier.length > 0; depth++) {
    const edges = await ctx.db.kysely.selectFrom('lineage').selectAll().where('child_version_id', 'in', bounded(frontier)).execute();
    frontier = [];
    for (const edge of edges) {
      found.push({ edge, depth });
      if (edge.parent_version_id && !seen.has(edge.parent_version_id)) {
        seen.add(edge.parent_version_id);
        frontier.push(edge.parent_version_id);
      }
    }
  }
  return found;
}

/** Open and closed incidents of these versions, oldest first. */
export async function incidentsFor(ctx: RegistryContext, ids: readonly string[]): Promise<IncidentsTable[]> {
  const wanted = bounded(ids);
  if (wanted.length === 0) return [];
  return ctx.db.kysely.selectFrom('incidents').selectAll().where('version_id', 'in', wanted).orderBy('opened_at').execute();
}

/** The model rows (owner, business owner) of these model ids. */
export async function modelRows(ctx: RegistryContext, ids: readonly string[]): Promise<ModelsTable[]> {
  const wanted = bounded(ids);
  if (wanted.length === 0) return [];
  return ctx.db.kysely.selectFrom('models').selectAll().where('id', 'in', wanted).orderBy('id').execute();
}

/** Audit records newest first, before sequence number `before` (the newest without it); at most MAX_AUDIT_RECORDS. */
export async function auditRecords(ctx: RegistryContext, before: number | undefined, limit = 100): Promise<AuditTable[]> {
  let q = ctx.db.kysely
    .selectFrom('audit')
    .selectAll()
    .orderBy('seq', 'desc')
    .limit(Math.min(Math.max(limit, 1), MAX_AUDIT_RECORDS));
  if (before !== undefined) q = q.where('seq', '<', before);
  return q.execute();
}
