import { EventEmitter } from 'node:events';
import type { Transaction } from 'kysely';
import { ModelgateError } from '../../core/errors.js';
import { appendAudit, type AuditEvent, type BlobStore, type Database, type Db, type VersionsTable } from '../../store/index.js';
import type { LoadedPolicy } from '../policy/index.js';
import type { RegistryConfig } from './config.js';
import type { RegistryKey } from './keys.js';
import { queueEvent } from './outbox.js';

/** What every registry operation works with: the database, the blobs, the config, the key. */
export interface RegistryContext {
  db: Db;
  blobs: BlobStore;
  /** The configuration with every limit filled in. */
  config: RegistryConfig & { dataDir: string; maxFileBytes: number; maxFiles: number };
  policy?: LoadedPolicy;
  /** SHA-256 of the policy file's bytes, named in every verdict and attestation. */
  policyDigest?: string;
  dryRunPolicy?: LoadedPolicy;
  key: RegistryKey;
  /** `version-state` (versionId, state) and `webhook-due` events, for the pipeline and tests. */
  events: EventEmitter;
  now(): string;
}

export type Tx = Transaction<Database>;

/** Runs `work` in one transaction, with an audit record appended inside it. */
export async function audited<T>(ctx: RegistryContext, event: AuditEvent | ((result: T) => AuditEvent), work: (trx: Tx) => Promise<T>): Promise<T> {
  return ctx.db.kysely.transaction().execute(async (trx) => {
    const result = await work(trx);
    await appendAudit(trx, ctx.db.dialect, typeof event === 'function' ? event(result) : event, ctx.now());
    return result;
  });
}

/** A version row, or NOT_FOUND. */
export async function getVersion(trx: Tx | RegistryContext['db']['kysely'], id: string): Promise<VersionsTable> {
  const row = await trx.selectFrom('versions').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw new ModelgateError('NOT_FOUND', `no version ${id}`);
  return row;
}

/**
 * A version row read for a decision in this transaction, locked on PostgreSQL (`FOR UPDATE`)
 * so that two deciders take turns: without it two concurrent approvers of a high-risk version
 * would each count only their own approval and neither would move it on. SQLite has one writer
 * at a time anyway.
 */
export async function lockVersion(ctx: RegistryContext, trx: Tx, id: string): Promise<VersionsTable> {
  let query = trx.selectFrom('versions').selectAll().where('id', '=', id);
  if (ctx.db.dialect === 'postgres') query = query.forUpdate();
  const row = await query.executeTakeFirst();
  if (!row) throw new ModelgateError('NOT_FOUND', `no version ${id}`);
  return row;
}

/**
 * Moves a version from one of `from` to `to`, recording who, when and why, in the caller's
 * transaction. The update is a compare-and-set on the row's revision, so of two concurrent
 * movers exactly one wins; the other gets CONFLICT and changes nothing.
 */
export async function moveVersion(
  ctx: RegistryContext,
  trx: Tx,
  id: string,
  from: readonly string[],
  to: string,
  actor: string,
  reason: string | null,
  set: Partial<Omit<VersionsTable, 'id' | 'state' | 'revision'>> = {},
): Promise<VersionsTable> {
  const row = await getVersion(trx, id);
  if (!from.includes(row.state)) throw new ModelgateError('CONFLICT', `version ${id} is ${row.state}, not ${from.join(' or ')}`);
  const at = ctx.now();
  const updated = await trx
    .updateTable('versions')
    .set({ ...set, state: to, state_reason: reason, updated_at: at, revision: row.revision + 1 })
    .where('id', '=', id)
    .where('revision', '=', row.revision)
    .executeTakeFirst();
  if (Number(updated.numUpdatedRows) !== 1) throw new ModelgateError('CONFLICT', `version ${id} changed while it was being moved to ${to}`);
  await trx.insertInto('transitions').values({ version_id: id, from_state: row.state, to_state: to, actor, reason, at }).execute();
  await appendAudit(trx, ctx.db.dialect, { actor, action: `version.${to}`, subject: id, details: { from: row.state, reason } }, at);
  if (to === 'approved' || to === 'rejected')
    await queueEvent(ctx, trx, `version.${to}`, { version: id, model: row.model_id, from: row.state, by: actor, reason });
  return { ...row, ...set, state: to, state_reason: reason, updated_at: at, revision: row.revision + 1 };
}

/** Tells listeners (the pipeline, waiting tests) that a version changed state, after its commit. */
export function announce(ctx: RegistryContext, version: Pick<VersionsTable, 'id' | 'state'>): void {
  ctx.events.emit('version-state', version.id, version.state);
  if (version.state === 'approved' || version.state === 'rejected') ctx.events.emit('webhook-due');
}
