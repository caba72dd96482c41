import { appendAudit } from '../../store/index.js';
import { currentProvenance } from '../provenance.js';
import { announce, getVersion, moveVersion, type RegistryContext } from './context.js';
import { judgeVersion, VERDICT_RANK, versionVerdict } from './judge.js';
import { openIncident } from './revoke.js';
import { SYSTEM } from './roles.js';
import { queueEvent } from './outbox.js';

/** States whose verdict still matters: under decision, or approved and maybe deployed. */
const LIVE_STATES = ['review', 'approval', 'approved'];

/** What one re-scan changed. */
export interface Rescanned {
  versionId: string;
  before: string | null;
  after: string;
  /** An incident was opened (an approved version got worse). */
  incident: boolean;
  /** The version left review or approval because the policy now denies it. */
  rejected: boolean;
}

/** Versions whose stored verdict was made by another engine (tool, format, rule, allow-list or limit versions). */
export async function staleVersions(ctx: RegistryContext): Promise<string[]> {
  const key = currentProvenance().key;
  const rows = await ctx.db.kysely
    .selectFrom('versions')
    .select('id')
    .where('state', 'in', LIVE_STATES)
    .where((eb) => eb.or([eb('provenance_key', 'is', null), eb('provenance_key', '!=', key)]))
    .orderBy('created_at')
    .execute();
  return rows.map((r) => r.id);
}

/**
 * Scans a stored version again with the engine of now and records the new report. A version
 * under decision that the policy now denies is rejected; an approved version whose verdict got
 * worse (or that the policy now denies) keeps its state (people revoke) but gets an incident on
 * itself and each live deployment, which are flagged, and the webhooks are told.
 */
export async function rescanVersion(ctx: RegistryContext, id: string): Promise<Rescanned> {
  const files = await ctx.db.kysely.selectFrom('version_files').selectAll().where('version_id', '=', id).orderBy('path').execute();
  const judged = await judgeVersion(ctx, id, files);
  const after = versionVerdict(judged.report);
  const result = await ctx.db.kysely.transaction().execute(async (trx) => {
    const version = await getVersion(trx, id);
    const before = version.verdict;
    const worse = (VERDICT_RANK[after] ?? 3) > (VERDICT_RANK[before ?? 'clean'] ?? 0) || !judged.decision.allow;
    const set = { report: JSON.stringify(judged.report), verdict: after, provenance_key: judged.report.tool.provenance?.key ?? null };
    const out: Rescanned = { versionId: id, before, after, incident: false, rejected: false };
    if (!judged.decision.allow && (version.state === 'review' || version.state === 'approval')) {
      const moved = await moveVersion(ctx, trx, id, [version.state], 'rejected', SYSTEM.name, `re-scan: policy denied (${before} → ${after})`, set);
      out.rejected = true;
      return { out, moved };
    }
    await trx.updateTable('versions').set(set).where('id', '=', id).execute();
    await appendAudit(
      trx,
      ctx.db.dialect,
      { actor: SYSTEM.name, action: 'version.rescanned', subject: id, details: { before, after, provenance: set.provenance_key } },
      ctx.now(),
    );
    if (version.state === 'approved' && worse) {
      const details = { before, after, provenance: set.provenance_key, allow: judged.decision.allow };
      await openIncident(ctx, trx, id, null, 'verdict-changed', details);
      const deployments = await trx.selectFrom('deployments').selectAll().where('version_id', '=', id).where('removed_at', 'is', null).execute();
      for (const d of deployments) {
        await trx.updateTable('deployments').set({ status: 'flagged' }).where('id', '=', d.id).execute();
        await openIncident(ctx, trx, id, d.id, 'verdict-changed', { ...details, environment: d.environment, owner: d.owner });
      }
      await queueEvent(ctx, trx, 'version.verdict-changed', { version: id, model: version.model_id, ...details });
      out.incident = true;
    }
    return { out, moved: undefined };
  });
  if (result.moved) announce(ctx, result.moved);
  if (result.out.incident) ctx.events.emit('webhook-due');
  return result.out;
}

/** Re-scans every stale version, one at a time (the scan itself uses the worker pool), until `stopped` says so. */
export async function rescanStale(ctx: RegistryContext, stopped: () => boolean = () => false): Promise<Rescanned[]> {
  const done: Rescanned[] = [];
  for (const id of await staleVersions(ctx)) {
    if (stopped()) break;
    try {
      done.push(await rescanVersion(ctx, id));
    } catch {
      // A version that cannot be re-scanned now keeps its old key and is tried at the next start.
    }
  }
  return done;
}
