import { randomUUID } from 'node:crypto';
import { ModelgateError } from '../../core/errors.js';
import type { ScanResult } from '../../core/report-types.js';
import { appendAudit, type VersionsTable, type WaiversTable } from '../../store/index.js';
import { announce, audited, lockVersion, moveVersion, type RegistryContext, type Tx } from './context.js';
import { issueEvidence } from './evidence.js';
import type { BomAncestor } from '../bom/build.js';
import { requireRole, SYSTEM, type Principal } from './roles.js';

/** A version's parents for its ML-BOM's `pedigree.ancestors`: the lineage edges, with the matched parent versions' identity. */
async function bomLineage(trx: Tx, id: string): Promise<BomAncestor[]> {
  const rows = await trx
    .selectFrom('lineage')
    .leftJoin('versions', 'versions.id', 'lineage.parent_version_id')
    .select(['lineage.parent_model_id', 'lineage.relation', 'lineage.status', 'versions.source_commit', 'versions.root_digest', 'versions.id'])
    .where('lineage.child_version_id', '=', id)
    .orderBy('lineage.parent_model_id')
    .execute();
  return rows.map((r) => ({
    repo: r.parent_model_id,
    relation: r.relation,
    status: r.status,
    version: r.source_commit ?? r.id ?? undefined,
    rootDigest: r.root_digest ?? undefined,
  }));
}

/** Approvals a version needs: two distinct people for high risk (four-eyes), one otherwise. */
export function approvalsNeeded(version: Pick<VersionsTable, 'risk'>): number {
  return version.risk === 'low' ? 1 : 2;
}

/** Nobody judges their own submission: the submitter never reviews, approves or waives it. */
function notTheSubmitter(who: Principal, version: VersionsTable, what: string): void {
  if (who.name === version.submitted_by) throw new ModelgateError('FORBIDDEN', `four-eyes: ${who.name} submitted this version and cannot ${what} it`);
}

function needReason(reason: string | undefined, what: string): string {
  const text = reason?.trim() ?? '';
  if (text === '') throw new ModelgateError('USAGE', `${what} needs a reason`);
  if (text.length > 4000) throw new ModelgateError('USAGE', 'a reason is at most 4000 characters');
  return text;
}

/** Who moved a version into a state most recently, and when (the reviewer who accepted it). */
async function lastMove(trx: Tx, id: string, to: string): Promise<{ actor: string; at: string } | undefined> {
  return trx
    .selectFrom('transitions')
    .select(['actor', 'at'])
    .where('version_id', '=', id)
    .where('to_state', '=', to)
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
}

/** A reviewer's decision on a version in `review`: accept (on to approval) or reject. */
export async function review(ctx: RegistryContext, who: Principal, id: string, decision: 'accept' | 'reject', reason?: string): Promise<VersionsTable> {
  requireRole(who, 'reviewer');
  const moved = await ctx.db.kysely.transaction().execute(async (trx) => {
    const version = await lockVersion(ctx, trx, id);
    notTheSubmitter(who, version, 'review');
    if (decision === 'accept') return moveVersion(ctx, trx, id, ['review'], 'approval', who.name, reason?.trim() || 'reviewed');
    return moveVersion(ctx, trx, id, ['review'], 'rejected', who.name, needReason(reason, 'a rejection'));
  });
  announce(ctx, moved);
  return moved;
}

/** Rejects a version under review or awaiting approval, with the reason. */
export async function reject(ctx: RegistryContext, who: Principal, id: string, reason?: string): Promise<VersionsTable> {
  requireRole(who, 'reviewer', 'approver');
  const text = needReason(reason, 'a rejection');
  const moved = await ctx.db.kysely.transaction().execute(async (trx) => {
    notTheSubmitter(who, await lockVersion(ctx, trx, id), 'reject');
    return moveVersion(ctx, trx, id, ['review', 'approval'], 'rejected', who.name, text);
  });
  announce(ctx, moved);
  return moved;
}

/** The waivers of a version still in force at `now`. */
async function activeWaivers(trx: Tx, id: string, now: string): Promise<WaiversTable[]> {
  return trx.selectFrom('waivers').selectAll().where('version_id', '=', id).where('expires_at', '>', now).execute();
}

/** The rule ids whose findings made the gate deny a version: each needs a waiver for it to go on. */
export function denyingRules(report: ScanResult): string[] {
  const rules = new Set<string>();
  for (const reason of report.decision?.reasons ?? []) {
    if (reason.ruleId) rules.add(reason.ruleId);
    else if (reason.path !== undefined) {
      const file = report.files.find((f) => f.path === reason.path);
      for (const f of file?.findings ?? []) if (f.fatal || f.severity === 'high' || f.severity === 'critical') rules.add(f.ruleId);
    } else rules.add(reason.rule);
  }
  return [...rules].sort();
}

/**
 * Approves a version awaiting approval. Four-eyes: never the submitter, never the reviewer who
 * sent it on, and a high-risk version needs two distinct approvers. The last approval moves it
 * to `approved` in the same transaction as its signed evidence (VSA, model signature, BOM).
 */
export async function approve(ctx: RegistryContext, who: Principal, id: string, reason?: string): Promise<VersionsTable> {
  requireRole(who, 'approver');
  const moved = await ctx.db.kysely.transaction().execute(async (trx) => {
    const version = await lockVersion(ctx, trx, id);
    notTheSubmitter(who, version, 'approve');
    if (version.state !== 'approval') throw new ModelgateError('CONFLICT', `version ${id} is ${version.state}, not awaiting approval`);
    const round = await lastMove(trx, id, 'approval');
    if (round?.actor === who.name) throw new ModelgateError('FORBIDDEN', `four-eyes: ${who.name} reviewed this version and cannot also approve it`);
    // Approvals count for the round they were given in: one given before the version was
    // rejected (a re-scan) and sent back through review judged another report, and carries over nothing.
    const since = round?.at ?? '';
    const report = JSON.parse(version.report ?? '{}') as ScanResult;
    const waived = await trx.selectFrom('waivers').select('expires_at').where('version_id', '=', id).execute();
    if (waived.some((w) => w.expires_at <= ctx.now()))
      throw new ModelgateError('CONFLICT', 'a waiver of this version has expired: renew it or reject the version');
    const at = ctx.now();
    const exists = await trx.selectFrom('approvals').select('at').where('version_id', '=', id).where('approver', '=', who.name).executeTakeFirst();
    if (exists && exists.at >= since) throw new ModelgateError('CONFLICT', `${who.name} has already approved this version`);
    // One row per approver: an approval of an earlier round is replaced (the audit log keeps it).
    if (exists)
      await trx
        .updateTable('approvals')
        .set({ reason: reason?.trim() || null, at })
        .where('version_id', '=', id)
        .where('approver', '=', who.name)
        .execute();
    else
      await trx
        .insertInto('approvals')
        .values({ version_id: id, approver: who.name, reason: reason?.trim() || null, at })
        .execute();
    const approvers = await trx.selectFrom('approvals').select('approver').where('version_id', '=', id).where('at', '>=', since).execute();
    await appendAudit(
      trx,
      ctx.db.dialect,
      { actor: who.name, action: 'version.approval', subject: id, details: { approvers: approvers.map((a) => a.approver) } },
      at,
    );
    if (approvers.length < approvalsNeeded(version)) return version;
    const files = await trx.selectFrom('version_files').selectAll().where('version_id', '=', id).orderBy('path').execute();
    const evidence = await issueEvidence(
      ctx,
      version,
      files,
      report,
      approvers.map((a) => a.approver),
      await bomLineage(trx, id),
    );
    for (const item of evidence)
      await trx
        .insertInto('attestations')
        .values({ version_id: id, ...item, created_at: at })
        .execute();
    return moveVersion(ctx, trx, id, ['approval'], 'approved', who.name, `approved by ${approvers.map((a) => a.approver).join(' and ')}`);
  });
  announce(ctx, moved);
  return moved;
}

export interface WaiverInput {
  rule: string;
  reason: string;
  owner: string;
  /** ISO date or time; in the future, at most a year ahead. */
  expiresAt: string;
}

/** Longest a waiver may run: a waiver is a debt with a date, not a silent allow. */
const MAX_WAIVER_MS = 366 * 24 * 3600 * 1000;

/**
 * Waives one rule's findings on one version, with a reason, an owner and an expiry (approvers,
 * never the submitter). When every rule that made the policy deny the version is waived, a
 * version the policy rejected goes back to review, as high risk.
 */
export async function waive(ctx: RegistryContext, who: Principal, id: string, input: WaiverInput): Promise<WaiversTable> {
  requireRole(who, 'approver');
  const reason = needReason(input.reason, 'a waiver');
  if (!input.owner?.trim()) throw new ModelgateError('USAGE', 'a waiver needs an owner');
  if (!input.rule?.trim()) throw new ModelgateError('USAGE', 'a waiver names the rule it waives');
  const expires = new Date(input.expiresAt);
  const now = new Date(ctx.now());
  if (Number.isNaN(expires.getTime()) || expires <= now) throw new ModelgateError('USAGE', 'a waiver needs an expiry in the future');
  if (expires.getTime() - now.getTime() > MAX_WAIVER_MS) throw new ModelgateError('USAGE', 'a waiver expires within a year');
  const waiver: WaiversTable = {
    id: randomUUID(),
    version_id: id,
    rule: input.rule.trim(),
    reason,
    owner: input.owner.trim(),
    expires_at: expires.toISOString(),
    created_by: who.name,
    created_at: ctx.now(),
  };
  let moved: VersionsTable | undefined;
  await audited(
    ctx,
    { actor: who.name, action: 'waiver.create', subject: id, details: { rule: waiver.rule, owner: waiver.owner, expires: waiver.expires_at, reason } },
    async (trx) => {
      const version = await lockVersion(ctx, trx, id);
      notTheSubmitter(who, version, 'waive findings of');
      if (!['review', 'approval', 'rejected'].includes(version.state))
        throw new ModelgateError('CONFLICT', `version ${id} is ${version.state}: waivers are for versions under decision`);
      await trx.insertInto('waivers').values(waiver).execute();
      const report = version.report ? (JSON.parse(version.report) as ScanResult) : undefined;
      // Only the policy's rejection is waivable: a person's (a reviewer's, an approver's) is
      // final, or any approver could overturn it with one more waiver.
      const byPolicy = version.state === 'rejected' && (await lastMove(trx, id, 'rejected'))?.actor === SYSTEM.name;
      if (byPolicy && report && report.decision && !report.decision.allow) {
        const covered = new Set((await activeWaivers(trx, id, ctx.now())).map((w) => w.rule));
        const denying = denyingRules(report);
        if (denying.length > 0 && denying.every((r) => covered.has(r)))
          moved = await moveVersion(ctx, trx, id, ['rejected'], 'review', who.name, `every denying rule is waived (${denying.join(', ')})`, { risk: 'high' });
      }
    },
  );
  if (moved) announce(ctx, moved);
  return waiver;
}
