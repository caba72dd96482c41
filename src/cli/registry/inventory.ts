import type { Command } from 'commander';
import { EXIT } from '../exit-codes.js';
import { RegistryError } from './client.js';
import { connect, emit, oneOf, registryCommand, run, type ConnectionOpts } from './command.js';
import { renderImpact } from './render.js';
import { count, table } from './table.js';
import type { Impact, ModelDeployment, ModelView, VersionView } from './types.js';
import { renderVersion } from './version-view.js';

interface InventoryOpts extends ConnectionOpts {
  search?: string;
  limit?: string;
  version?: string;
}

/** Models, one line per version: state, verdict, risk and live deployments. */
function renderInventory(models: ModelView[], live: ModelDeployment[]): string {
  const deployed = new Map<string, string[]>();
  for (const d of live)
    deployed.set(d.version_id, [...(deployed.get(d.version_id) ?? []), d.status === 'active' ? d.environment : `${d.environment} (${d.status})`]);
  const rows = models.flatMap((m) =>
    m.versions.length === 0
      ? [[m.id, '-', '-', '-', '-', '-', '-']]
      : m.versions.map((v) => [m.id, v.id, v.state, v.verdict, v.risk, v.created_at.slice(0, 10), deployed.get(v.id)?.join(', ')]),
  );
  const versions = models.reduce((n, m) => n + m.versions.length, 0);
  return `${count(models.length, 'model')}, ${count(versions, 'version')}\n${table(['model', 'version', 'state', 'verdict', 'risk', 'submitted', 'deployed in'], rows)}`;
}

/** `modelgate inventory [--search Q]`, `modelgate inventory --version ID` */
export function inventoryCommand(): Command {
  return registryCommand('inventory', "the registry's models and versions (state, verdict, risk, deployments), or one version in full")
    .option('-s, --search <text>', 'models whose id contains this')
    .option('--limit <n>', 'at most this many models (default 100)')
    .option('--version <id>', "one version's details: files, history, approvals, waivers, evidence, deployments, lineage, incidents")
    .action(
      run(async (opts: InventoryOpts) => {
        if (opts.version !== undefined && (opts.search !== undefined || opts.limit !== undefined))
          throw new RegistryError('USAGE', '--version shows one version: no --search or --limit with it');
        const client = connect(opts);
        if (opts.version !== undefined) {
          const view = await client.request<VersionView>('GET', `/api/versions/${encodeURIComponent(opts.version)}`);
          emit(opts.format, view, () => renderVersion(view));
          return EXIT.OK;
        }
        const limit = opts.limit === undefined ? undefined : Number(opts.limit);
        if (limit !== undefined && !(Number.isInteger(limit) && limit > 0))
          throw new RegistryError('USAGE', `--limit needs a positive whole number, not ${opts.limit}`);
        const models = await client.request<ModelView[]>('GET', '/api/models', { query: { q: opts.search, limit } });
        if (opts.format === 'json') {
          emit(opts.format, models, () => '');
          return EXIT.OK;
        }
        // The listing has no deployments: the live ones come from the deployment query.
        const live = await client.request<ModelDeployment[]>('GET', '/api/deployments', { query: { at: new Date().toISOString() } });
        emit(opts.format, models, () => renderInventory(models, live));
        return EXIT.OK;
      }),
    );
}

/** `modelgate impact --model M | --version V` */
export function impactCommand(): Command {
  return registryCommand('impact', 'the blast radius: every version deriving from a model or version, with live deployments and owners')
    .option('--model <org/name>', 'every version of this model, and what derives from them')
    .option('--version <id>', 'this version, and what derives from it')
    .addHelpText(
      'after',
      `
Versions are found through lineage, transitively: depth 0 is the root, the relation says how a
version derives from its parent (finetune, adapter, quantized…), and lineage says whether the
link is only declared (a model card, an adapter config) or verified on the bytes.`,
    )
    .action(
      run(async (opts: ConnectionOpts & { model?: string; version?: string }) => {
        oneOf({ '--model': opts.model, '--version': opts.version }, 'impact');
        const impact = await connect(opts).request<Impact>('GET', '/api/impact', { query: { model: opts.model, version: opts.version } });
        emit(opts.format, impact, () => renderImpact(impact));
        return EXIT.OK;
      }),
    );
}
