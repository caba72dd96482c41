import { ModelgateError } from '../../core/errors.js';
import type { DeploymentsTable, LineageTable, VersionsTable } from '../../store/index.js';
import type { RegistryContext, Tx } from './context.js';

/** One version reached from the root, how, and how far down. */
export interface ImpactedVersion {
  version: Pick<VersionsTable, 'id' | 'model_id' | 'state' | 'root_digest'>;
  depth: number;
  /** The edge that reached it: its parent model, relation and whether bytes confirmed it. */
  via?: Pick<LineageTable, 'parent_model_id' | 'parent_version_id' | 'relation' | 'status' | 'evidence'>;
}

/** The blast radius: every version deriving from the root, transitively, with their live deployments and owners. */
export interface Impact {
  root: { model?: string; version?: string };
  versions: ImpactedVersion[];
  deployments: Array<DeploymentsTable & { model_id: string }>;
}

/** Breadth-first walks are bounded: a lineage deeper or wider than this is refused, not truncated. */
const MAX_IMPACT_VERSIONS = 100_000;

/**
 * Everything that derives from a model (every version of it) or from one version: children by
 * a lineage edge naming the parent version, or naming the parent model without a version (a
 * declared base that no registry version was matched to counts, failing toward flagging).
 */
export async function impactOf(ctx: RegistryContext, root: { model?: string; version?: string }, trx?: Tx): Promise<Impact> {
  const db = trx ?? ctx.db.kysely;
  let frontier: VersionsTable[];
  if (root.version) frontier = await db.selectFrom('versions').selectAll().where('id', '=', root.version).execute();
  else if (root.model) frontier = await db.selectFrom('versions').selectAll().where('model_id', '=', root.model).execute();
  else throw new ModelgateError('USAGE', 'impact of a model or a version');
  if (frontier.length === 0 && root.version) throw new ModelgateError('NOT_FOUND', `no version ${root.version}`);
  const seen = new Map<string, ImpactedVersion>();
  for (const v of frontier) seen.set(v.id, { version: v, depth: 0 });
  const expandedModels = new Set<string>();
  let depth = 0;
  while (frontier.length > 0) {
    depth++;
    const ids = frontier.map((v) => v.id);
    const models = [...new Set(frontier.map((v) => v.model_id))].filter((m) => !expandedModels.has(m));
    for (const m of models) expandedModels.add(m);
    const edges = await db
      .selectFrom('lineage')
      .selectAll()
      .where((eb) =>
        eb.or([
          eb('parent_version_id', 'in', ids),
          ...(models.length ? [eb.and([eb('parent_version_id', 'is', null), eb('parent_model_id', 'in', models)])] : []),
        ]),
      )
      .execute();
    const next: VersionsTable[] = [];
    const childIds = [...new Set(edges.map((e) => e.child_version_id))].filter((id) => !seen.has(id));
    if (childIds.length > 0) {
      const children = await db.selectFrom('versions').selectAll().where('id', 'in', childIds).execute();
      for (const child of children) {
        const edge = edges.find((e) => e.child_version_id === child.id)!;
        seen.set(child.id, { version: child, depth, via: edge });
        next.push(child);
      }
    }
    if (seen.size > MAX_IMPACT_VERSIONS) throw new ModelgateError('LIMIT_ENTRIES', `the lineage reaches more than ${MAX_IMPACT_VERSIONS} versions`);
    frontier = next;
  }
  const all = [...seen.keys()];
  const deployments = all.length
    ? await db
        .selectFrom('deployments')
        .innerJoin('versions', 'versions.id', 'deployments.version_id')
        .selectAll('deployments')
        .select('versions.model_id')
        .where('deployments.version_id', 'in', all)
        .where('deployments.removed_at', 'is', null)
        .orderBy('deployments.deployed_at')
        .execute()
    : [];
  const versions = [...seen.values()].map((v) => ({
    ...v,
    version: { id: v.version.id, model_id: v.version.model_id, state: v.version.state, root_digest: v.version.root_digest },
  }));
  return { root, versions, deployments };
}
