import type { Command } from 'commander';
import { EXIT } from '../exit-codes.js';
import { RegistryError } from './client.js';
import { connect, emit, oneOf, registryCommand, run, type ConnectionOpts } from './command.js';
import { deploymentTable } from './render.js';
import { count, when } from './table.js';
import type { Deployment, ModelDeployment } from './types.js';

interface DeployOpts extends ConnectionOpts {
  env: string;
  owner: string;
  businessOwner?: string;
  at?: string;
}

/** `modelgate deploy ID --env E --owner O [--business-owner B] [--at DATE]` */
export function deployCommand(): Command {
  return registryCommand('deploy', 'record that an approved version runs in an environment, with its owners (submitters, approvers)')
    .argument('<id>', 'the version')
    .requiredOption('--env <environment>', 'where it runs (e.g. prod-eu)')
    .requiredOption('--owner <owner>', 'who runs it')
    .option('--business-owner <owner>', 'who answers for it')
    .option('--at <date>', 'when it went live, for a deployment recorded after the fact (default now)')
    .action(
      run(async (id: string, opts: DeployOpts) => {
        const body = { environment: opts.env, owner: opts.owner, businessOwner: opts.businessOwner, deployedAt: opts.at };
        const row = await connect(opts).request<Deployment>('POST', `/api/versions/${encodeURIComponent(id)}/deployments`, { json: body });
        emit(
          opts.format,
          row,
          () => `deployment ${row.id}: version ${row.version_id} in ${row.environment} (owner ${row.owner}) since ${when(row.deployed_at)}\n`,
        );
        return EXIT.OK;
      }),
    );
}

/** `modelgate undeploy DEPLOYMENT_ID` */
export function undeployCommand(): Command {
  return registryCommand('undeploy', 'record that a deployment was taken down (kept for history; submitters, approvers)')
    .argument('<deployment>', 'the deployment id (deploy prints it)')
    .action(
      run(async (id: string, opts: ConnectionOpts) => {
        const row = await connect(opts).request<Deployment>('DELETE', `/api/deployments/${encodeURIComponent(id)}`);
        emit(opts.format, row, () => `deployment ${row.id}: version ${row.version_id} removed from ${row.environment} at ${when(row.removed_at)}\n`);
        return EXIT.OK;
      }),
    );
}

/** `modelgate deployments --sha256 H | --at DATE` */
export function deploymentsCommand(): Command {
  return registryCommand('deployments', 'live deployments holding a file (--sha256), or live at a moment (--at)')
    .option('--sha256 <hash>', "a file's SHA-256: the live deployments that hold it")
    .option('--at <date>', 'an ISO date or time: what ran where then')
    .action(
      run(async (opts: ConnectionOpts & { sha256?: string; at?: string }) => {
        oneOf({ '--sha256': opts.sha256, '--at': opts.at }, 'deployments');
        if (opts.sha256 !== undefined && !/^[0-9a-fA-F]{64}$/.test(opts.sha256))
          throw new RegistryError('USAGE', `--sha256 needs 64 hex digits, not ${JSON.stringify(opts.sha256)}`);
        const rows = await connect(opts).request<ModelDeployment[]>('GET', '/api/deployments', { query: { sha256: opts.sha256, at: opts.at } });
        const what = opts.sha256 !== undefined ? `holding sha256:${opts.sha256.toLowerCase()}` : `live at ${opts.at}`;
        emit(opts.format, rows, () => `${count(rows.length, 'deployment')} ${what}\n${deploymentTable(rows, '  ')}`);
        return EXIT.OK;
      }),
    );
}
