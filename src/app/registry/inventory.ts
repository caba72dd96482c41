import type { Selectable } from 'kysely';
import { ModelgateError } from '../../core/errors.js';
import type {
  AttestationsTable,
  DeploymentsTable,
  IncidentsTable,
  LineageTable,
  ModelsTable,
  TransitionsTable,
  VersionFilesTable,
  VersionsTable,
  WaiversTable,
  ApprovalsTable,
} from '../../store/index.js';
import { getVersion, type RegistryContext } from './context.js';

/** A model with its versions, newest first. */
export interface ModelView extends ModelsTable {
  versions: Array<Omit<VersionsTable, 'report'>>;
}

/** Everything known of one version: what a reviewer and an auditor read. */
export interface VersionView extends Omit<VersionsTable, 'report'> {
  files: VersionFilesTable[];
  transitions: Array<Selectable<TransitionsTable>>;
  approvals: ApprovalsTable[];
  waivers: WaiversTable[];
  attestations: Array<Omit<AttestationsTable, 'body'>>;
  deployments: DeploymentsTable[];
  parents: LineageTable[];
  children: LineageTable[];
  incidents: IncidentsTable[];
}

const SUMMARY_COLUMNS = [
  'id',
  'model_id',
  'source_kind',
  'source_ref',
  'source_commit',
  'root_digest',
  'state',
  'risk',
  'verdict',
  'provenance_key',
  'policy_digest',
  'state_reason',
  'submitted_by',
  'licence_accepted_by',
  'created_at',
  'updated_at',
  'revision',
] as const;

/** Models whose id contains `query` (all without one), with their versions; at most `limit`. */
export async function listModels(ctx: RegistryContext, query = '', limit = 100): Promise<ModelView[]> {
  const db = ctx.db.kysely;
  let q = db
    .selectFrom('models')
    .selectAll()
    .orderBy('id')
    .limit(Math.min(Math.max(limit, 1), 1000));
  if (query) q = q.where('id', 'like', `%${query.replace(/[%_\\]/g, '')}%`);
  const models = await q.execute();
  if (models.length === 0) return [];
  const versions = await db
    .selectFrom('versions')
    .select([...SUMMARY_COLUMNS])
    .where(
      'model_id',
      'in',
      models.map((m) => m.id),
    )
    .orderBy('created_at', 'desc')
    .execute();
  return models.map((m) => ({ ...m, versions: versions.filter((v) => v.model_id === m.id) }));
}

export async function getModel(ctx: RegistryContext, id: string): Promise<ModelView> {
  const model = await ctx.db.kysely.selectFrom('models').selectAll().where('id', '=', id).executeTakeFirst();
  if (!model) throw new ModelgateError('NOT_FOUND', `no model ${id}`);
  const versions = await ctx.db.kysely
    .selectFrom('versions')
    .select([...SUMMARY_COLUMNS])
    .where('model_id', '=', id)
    .orderBy('created_at', 'desc')
    .execute();
  return { ...model, versions };
}

/** One version with its files, history, approvals, waivers, evidence, deployments, lineage and incidents. */
export async function versionView(ctx: RegistryContext, id: string): Promise<VersionView> {
  const db = ctx.db.kysely;
  const version = await getVersion(db, id);
  const { report: _report, ...summary } = version;
  void _report;
  const [files, transitions, approvals, waivers, attestations, deployments, parents, children, incidents] = await Promise.all([
    db.selectFrom('version_files').selectAll().where('version_id', '=', id).orderBy('path').execute(),
    db.selectFrom('transitions').selectAll().where('version_id', '=', id).orderBy('id').execute(),
    db.selectFrom('approvals').selectAll().where('version_id', '=', id).orderBy('at').execute(),
    db.selectFrom('waivers').selectAll().where('version_id', '=', id).orderBy('created_at').execute(),
    db.selectFrom('attestations').select(['version_id', 'kind', 'sha256', 'created_at']).where('version_id', '=', id).orderBy('kind').execute(),
    db.selectFrom('deployments').selectAll().where('version_id', '=', id).orderBy('deployed_at').execute(),
    db.selectFrom('lineage').selectAll().where('child_version_id', '=', id).execute(),
    db.selectFrom('lineage').selectAll().where('parent_version_id', '=', id).execute(),
    db.selectFrom('incidents').selectAll().where('version_id', '=', id).orderBy('opened_at').execute(),
  ]);
  return { ...summary, files, transitions, approvals, waivers, attestations, deployments, parents, children, incidents };
}

/** The stored scan report of a version (JSON text), or NOT_FOUND before its scan. */
export async function versionReport(ctx: RegistryContext, id: string): Promise<string> {
  const version = await getVersion(ctx.db.kysely, id);
  if (version.report === null) throw new ModelgateError('NOT_FOUND', `version ${id} has not been scanned yet`);
  return version.report;
}

/** A stored attestation of a version (`vsa`, `model-signature`, `bom`, `report`). */
export async function attestation(ctx: RegistryContext, id: string, kind: string): Promise<AttestationsTable> {
  const row = await ctx.db.kysely.selectFrom('attestations').selectAll().where('version_id', '=', id).where('kind', '=', kind).executeTakeFirst();
  if (!row) throw new ModelgateError('NOT_FOUND', `version ${id} has no ${kind}`);
  return row;
}

/** Deployments (live, or live at `at`) holding a file with this SHA-256. */
export async function deploymentsHolding(ctx: RegistryContext, sha256: string): Promise<Array<DeploymentsTable & { model_id: string; path: string }>> {
  return ctx.db.kysely
    .selectFrom('deployments')
    .innerJoin('version_files', 'version_files.version_id', 'deployments.version_id')
    .innerJoin('versions', 'versions.id', 'deployments.version_id')
    .selectAll('deployments')
    .select(['versions.model_id', 'version_files.path'])
    .where('version_files.sha256', '=', sha256.toLowerCase())
    .where('deployments.removed_at', 'is', null)
    .orderBy('deployments.deployed_at')
    .execute();
}

/** What ran where at a moment: deployments live at `at` (deployed before, not yet removed then). */
export async function deploymentsAt(ctx: RegistryContext, at: string): Promise<Array<DeploymentsTable & { model_id: string }>> {
  const when = new Date(at);
  if (Number.isNaN(when.getTime())) throw new ModelgateError('USAGE', `not a date: ${at}`);
  const iso = when.toISOString();
  return ctx.db.kysely
    .selectFrom('deployments')
    .innerJoin('versions', 'versions.id', 'deployments.version_id')
    .selectAll('deployments')
    .select('versions.model_id')
    .where('deployments.deployed_at', '<=', iso)
    .where((eb) => eb.or([eb('deployments.removed_at', 'is', null), eb('deployments.removed_at', '>', iso)]))
    .orderBy('deployments.deployed_at')
    .execute();
}
