import { ModelgateError } from '../../core/errors.js';
import { announce, getVersion, moveVersion, type RegistryContext } from './context.js';
import { ingest } from './ingest.js';
import { decisionFor, judgeVersion, riskOf, versionVerdict, withFileFindings } from './judge.js';
import { screenable, screenVersion } from './screening.js';
import type { ScanResult } from '../../core/report-types.js';
import { modelRootDigest } from '../signing/index.js';
import { lineageOf, writeLineage } from './lineage.js';
import { SYSTEM } from './roles.js';

/** States the pipeline moves on its own; a version found in one at start is resumed. */
export const AUTOMATIC_STATES = ['submitted', 'scanning', 'screening'] as const;

/**
 * Runs submissions through their automatic steps: fetch (`submitted` → `scanning`), then scan
 * and judge (`scanning` → `review`, or `rejected` on a policy deny or a failure). Each step is
 * idempotent and its result lands in one transaction with the state change, so a server killed
 * at any point redoes at most the step it was in when it starts again (`resume`).
 *
 * This is the embedded runner (in-process, a few at a time); the queue face runs the same steps.
 */
export class Pipeline {
  private readonly waiting: string[] = [];
  private readonly queued = new Set<string>();
  private running = 0;
  private stopped = false;
  private readonly idleWaiters: Array<() => void> = [];
  /** Hub tokens submitters gave for gated repos: memory only, never stored. */
  readonly hubTokens = new Map<string, string>();

  constructor(
    private readonly ctx: RegistryContext,
    private readonly concurrency: number,
  ) {
    ctx.events.on('version-state', (id: string, state: string) => {
      if ((AUTOMATIC_STATES as readonly string[]).includes(state)) this.enqueue(id);
    });
  }

  /** Queues every version left in an automatic state (a restart after a crash or a kill). */
  async resume(): Promise<number> {
    const rows = await this.ctx.db.kysely
      .selectFrom('versions')
      .select('id')
      .where('state', 'in', [...AUTOMATIC_STATES])
      .orderBy('created_at')
      .execute();
    for (const row of rows) this.enqueue(row.id);
    return rows.length;
  }

  enqueue(id: string): void {
    if (this.stopped || this.queued.has(id)) return;
    this.queued.add(id);
    this.waiting.push(id);
    this.pump();
  }

  /** Resolves when nothing is queued or running (tests, shutdown). */
  idle(): Promise<void> {
    if (this.running === 0 && this.waiting.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Takes no more work and waits for the steps under way. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.waiting.length = 0;
    await this.idle();
  }

  private pump(): void {
    while (this.running < this.concurrency && this.waiting.length > 0) {
      const id = this.waiting.shift()!;
      this.running++;
      void this.advance(id).finally(() => {
        this.running--;
        this.queued.delete(id);
        if (this.running === 0 && this.waiting.length === 0) for (const done of this.idleWaiters.splice(0)) done();
        else this.pump();
      });
    }
  }

  /** Runs the steps a version's state calls for, until it reaches a state people move. */
  private async advance(id: string): Promise<void> {
    for (;;) {
      if (this.stopped) return;
      const version = await getVersion(this.ctx.db.kysely, id);
      try {
        if (version.state === 'submitted') await this.fetch(id);
        else if (version.state === 'scanning') await this.scan(id);
        else if (version.state === 'screening') await this.screen(id);
        else return;
      } catch (e) {
        if (e instanceof ModelgateError && e.code === 'CONFLICT') return;
        await this.fail(id, version.state, e as Error);
        return;
      }
    }
  }

  private async fetch(id: string): Promise<void> {
    const version = await getVersion(this.ctx.db.kysely, id);
    // Taken out before the fetch: a failed fetch rejects the version for good, and its token
    // must not stay in memory for the life of the process.
    const hubToken = this.hubTokens.get(id);
    this.hubTokens.delete(id);
    const got = await ingest(this.ctx, version, hubToken);
    const moved = await this.ctx.db.kysely.transaction().execute(async (trx) => {
      if (got) {
        await trx.deleteFrom('version_files').where('version_id', '=', id).execute();
        for (const file of got.files) await trx.insertInto('version_files').values(file).execute();
      }
      const licence = version.source_kind === 'hub' && hubToken !== undefined ? version.submitted_by : null;
      return moveVersion(this.ctx, trx, id, ['submitted'], 'scanning', SYSTEM.name, 'files received', {
        source_commit: got?.commit ?? version.source_commit,
        licence_accepted_by: licence,
      });
    });
    announce(this.ctx, moved);
  }

  private async scan(id: string): Promise<void> {
    const files = await this.ctx.db.kysely.selectFrom('version_files').selectAll().where('version_id', '=', id).orderBy('path').execute();
    const judged = await judgeVersion(this.ctx, id, files);
    const set = {
      // The OpenSSF model-signing root digest: what a model signature of these files names (REGISTRY.md).
      root_digest: modelRootDigest(files),
      verdict: versionVerdict(judged.report),
      risk: judged.risk,
      report: JSON.stringify({ ...judged.report, dryRunDecision: judged.dryRun }),
      provenance_key: judged.report.tool.provenance?.key ?? null,
      policy_digest: judged.policyDigest,
    };
    const version = await getVersion(this.ctx.db.kysely, id);
    // Lineage is evidence for people, not part of the verdict: a card it cannot read leaves no edge.
    const edges = await lineageOf(this.ctx, { ...version, root_digest: set.root_digest }, files).catch(() => []);
    const screen = judged.decision.allow && screenable(this.ctx, files, judged.report).length > 0;
    const to = !judged.decision.allow ? 'rejected' : screen ? 'screening' : 'review';
    const reason = judged.decision.allow
      ? `scanned: ${set.verdict}, ${set.risk} risk`
      : `policy denied: ${judged.decision.reasons
          .map((r) => r.message)
          .slice(0, 5)
          .join('; ')}`;
    const moved = await this.ctx.db.kysely.transaction().execute(async (trx) => {
      await writeLineage(trx, id, edges);
      return moveVersion(this.ctx, trx, id, ['scanning'], to, SYSTEM.name, reason, set);
    });
    announce(this.ctx, moved);
  }

  /**
   * Backdoor screening of the ONNX classifiers a scanned version holds (when a clean sample set
   * is configured): a suspected trigger is a finding on the file, judged by the policy like the
   * scan's (the default denies it: rejected, waivable); a model that cannot be screened goes on
   * to review with the reason.
   */
  private async screen(id: string): Promise<void> {
    const version = await getVersion(this.ctx.db.kysely, id);
    const files = await this.ctx.db.kysely.selectFrom('version_files').selectAll().where('version_id', '=', id).orderBy('path').execute();
    let report = JSON.parse(version.report ?? '{}') as ScanResult;
    const screened = await screenVersion(this.ctx, screenable(this.ctx, files, report));
    for (const s of screened) if (s.finding) report = withFileFindings(report, s.path, [s.finding]);
    const notes = screened.map((s) => (s.finding ? `${s.path}: ${s.finding.ruleId} ${s.finding.severity}` : `${s.path}: not screened (${s.notScreened})`));
    // The screening findings are judged like the scan's: the policy may deny on them.
    const decision = decisionFor(this.ctx, report);
    report.decision = decision;
    const set = { report: JSON.stringify(report), verdict: versionVerdict(report), risk: riskOf(report) };
    const to = decision.allow ? 'review' : 'rejected';
    const reason = `screened: ${notes.join('; ')}${
      decision.allow
        ? ''
        : `; policy denied: ${decision.reasons
            .map((r) => r.message)
            .slice(0, 5)
            .join('; ')}`
    }`;
    const moved = await this.ctx.db.kysely.transaction().execute((trx) => moveVersion(this.ctx, trx, id, ['screening'], to, SYSTEM.name, reason, set));
    announce(this.ctx, moved);
  }

  /** A step that failed for good: the version is rejected with the reason, never left clean or waiting. */
  private async fail(id: string, state: string, error: Error): Promise<void> {
    const code = error instanceof ModelgateError ? error.code : 'UNREADABLE';
    try {
      const moved = await this.ctx.db.kysely
        .transaction()
        .execute((trx) => moveVersion(this.ctx, trx, id, [state], 'rejected', SYSTEM.name, `${state} failed (${code}): ${error.message}`));
      announce(this.ctx, moved);
    } catch {
      // Another writer moved it first, or the database is gone: the next start resumes it.
    }
  }
}
