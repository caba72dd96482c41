/** Text renderings shared by several registry commands: deployments and the blast radius. */
import { count, table, when } from './table.js';
import type { Deployment, Impact, ModelDeployment } from './types.js';

/** Deployments with their model (when the answer has it), environment, owners and status. */
export function deploymentTable(rows: ReadonlyArray<Deployment | ModelDeployment>, indent = ''): string {
  const withModel = rows.some((d) => 'model_id' in d);
  const withPath = rows.some((d) => 'path' in d && d.path !== undefined);
  const headers = [
    'deployment',
    ...(withModel ? ['model'] : []),
    'version',
    'environment',
    'owner',
    'business owner',
    'status',
    'deployed',
    'removed',
    ...(withPath ? ['file'] : []),
  ];
  return table(
    headers,
    rows.map((d) => [
      d.id,
      ...(withModel ? ['model_id' in d ? d.model_id : undefined] : []),
      d.version_id,
      d.environment,
      d.owner,
      d.business_owner,
      d.status,
      when(d.deployed_at),
      when(d.removed_at),
      ...(withPath ? ['path' in d ? d.path : undefined] : []),
    ]),
    indent,
  );
}

/** How a version was reached: `finetune of org/base@version (declared)`; the root says so. */
function reachedBy(v: Impact['versions'][number]): string[] {
  if (!v.via) return ['(root)', '-', '-'];
  const parent = v.via.parent_version_id ? `${v.via.parent_model_id}@${v.via.parent_version_id}` : v.via.parent_model_id;
  return [v.via.relation, v.via.status, parent];
}

/** The versions of a blast radius: depth, relation, declared or verified, and the parent. */
export function impactVersionTable(versions: Impact['versions'], indent = ''): string {
  const sorted = [...versions].sort((a, b) => a.depth - b.depth || a.version.model_id.localeCompare(b.version.model_id));
  return table(
    ['version', 'model', 'state', 'depth', 'relation', 'lineage', 'parent'],
    sorted.map((v) => [v.version.id, v.version.model_id, v.version.state, v.depth, ...reachedBy(v)]),
    indent,
  );
}

/** The whole blast radius: what derives from the root, and where it runs. */
export function renderImpact(impact: Impact): string {
  const root = impact.root.version ? `version ${impact.root.version}` : `model ${impact.root.model ?? '?'}`;
  const derived = impact.versions.filter((v) => v.depth > 0).length;
  return (
    `impact of ${root}: ${count(impact.versions.length, 'version')} (${derived} derived), ${count(impact.deployments.length, 'live deployment')}\n` +
    `\nversions\n${impactVersionTable(impact.versions, '  ')}` +
    `\ndeployments\n${deploymentTable(impact.deployments, '  ')}`
  );
}
