import { randomUUID } from 'node:crypto';
import { ModelgateError } from '../../core/errors.js';
import type { VersionsTable } from '../../store/index.js';
import { announce, lockVersion, moveVersion, type RegistryContext, type Tx } from './context.js';
import { impactOf, type Impact } from './impact.js';
import { requireRole, type Principal } from './roles.js';
import { queueEvent } from './outbox.js';

/** What a revocation did: the version, and everything it flagged. */
export interface Revocation {
  version: VersionsTable;
  impact: Impact;
  incidents: number;
}

/** Opens an incident on a version (and one of its deployments), in the caller's transaction. */
export async function openIncident(
  ctx: RegistryContext,
  trx: Tx,
  versionId: string,
  deploymentId: string | null,
  kind: string,
  details: Record<string, unknown>,
): Promise<void> {
  await trx
    .insertInto('incidents')
    .values({
      id: randomUUID(),
      version_id: versionId,
      deployment_id: deploymentId,
      kind,
      details: JSON.stringify(details),
      opened_at: ctx.now(),
      closed_at: null,
    })
    .execute();
  await queueEvent(ctx, trx, 'incident.opened', { version: versionId, deployment: deploymentId, kind, ...details });
}

/**
 * Revokes an approved version (approvers): it is served no more, every version deriving from
 * it (transitively) and every live deployment of those is flagged with an incident, and the
 * webhooks are told, all in one transaction.
 */
export async function revoke(ctx: RegistryContext, who: Principal, id: string, reason: string | undefined): Promise<Revocation> {
  requireRole(who, 'approver');
  const why = reason?.trim();
  if (!why) throw new ModelgateError('USAGE', 'a revocation needs a reason');
  let incidents = 0;
  let impact: Impact | undefined;
  const version = await ctx.db.kysely.transaction().execute(async (trx) => {
    // Locked first, so no deployment of it can be recorded between the walk and the move.
    await lockVersion(ctx, trx, id);
    impact = await impactOf(ctx, { version: id }, trx);
    const moved = await moveVersion(ctx, trx, id, ['approved', 'approval', 'review'], 'revoked', who.name, why);
    const details = { revoked: id, model: moved.model_id, reason: why, by: who.name };
    for (const v of impact.versions) {
      if (v.version.id === id) continue;
      await openIncident(ctx, trx, v.version.id, null, 'ancestor-revoked', details);
      incidents++;
    }
    for (const d of impact.deployments) {
      await trx.updateTable('deployments').set({ status: 'flagged' }).where('id', '=', d.id).execute();
      await openIncident(ctx, trx, d.version_id, d.id, d.version_id === id ? 'revoked' : 'ancestor-revoked', {
        ...details,
        environment: d.environment,
        owner: d.owner,
      });
      incidents++;
    }
    await queueEvent(ctx, trx, 'version.revoked', {
      ...details,
      descendants: impact.versions.filter((v) => v.version.id !== id).map((v) => v.version.id),
      deployments: impact.deployments.map((d) => d.id),
    });
    return moved;
  });
  announce(ctx, version);
  ctx.events.emit('webhook-due');
  return { version, impact: impact!, incidents };
}
