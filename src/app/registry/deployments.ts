import { randomUUID } from 'node:crypto';
import { ModelgateError } from '../../core/errors.js';
import type { DeploymentsTable } from '../../store/index.js';
import { audited, lockVersion, type RegistryContext } from './context.js';
import { requireRole, type Principal } from './roles.js';

export interface DeployInput {
  environment: string;
  owner: string;
  businessOwner?: string;
  /** When it went live (default now): deployments recorded after the fact keep their date. */
  deployedAt?: string;
}

/** Records that an approved version runs in an environment, with its owners. */
export async function deploy(ctx: RegistryContext, who: Principal, versionId: string, input: DeployInput): Promise<DeploymentsTable> {
  requireRole(who, 'submitter', 'approver');
  const environment = input.environment?.trim();
  const owner = input.owner?.trim();
  if (!environment || !owner) throw new ModelgateError('USAGE', 'a deployment names its environment and owner');
  const deployedAt = input.deployedAt ? new Date(input.deployedAt) : new Date(ctx.now());
  if (Number.isNaN(deployedAt.getTime())) throw new ModelgateError('USAGE', `not a date: ${input.deployedAt}`);
  const row: DeploymentsTable = {
    id: randomUUID(),
    version_id: versionId,
    environment,
    owner,
    business_owner: input.businessOwner?.trim() || null,
    deployed_at: deployedAt.toISOString(),
    removed_at: null,
    status: 'active',
    created_by: who.name,
  };
  await audited(ctx, { actor: who.name, action: 'deployment.create', subject: versionId, details: { deployment: row.id, environment, owner } }, async (trx) => {
    const version = await lockVersion(ctx, trx, versionId);
    if (version.state !== 'approved') throw new ModelgateError('CONFLICT', `only approved versions are deployed; ${versionId} is ${version.state}`);
    await trx.insertInto('deployments').values(row).execute();
  });
  return row;
}

/** Records that a deployment was taken down (kept for "what ran where on a date"). */
export async function undeploy(ctx: RegistryContext, who: Principal, deploymentId: string): Promise<DeploymentsTable> {
  requireRole(who, 'submitter', 'approver');
  const at = ctx.now();
  return audited(ctx, { actor: who.name, action: 'deployment.remove', subject: deploymentId }, async (trx) => {
    const row = await trx.selectFrom('deployments').selectAll().where('id', '=', deploymentId).executeTakeFirst();
    if (!row) throw new ModelgateError('NOT_FOUND', `no deployment ${deploymentId}`);
    if (row.removed_at !== null) throw new ModelgateError('CONFLICT', `deployment ${deploymentId} was removed at ${row.removed_at}`);
    await trx.updateTable('deployments').set({ removed_at: at, status: 'removed' }).where('id', '=', deploymentId).execute();
    return { ...row, removed_at: at, status: 'removed' };
  });
}
