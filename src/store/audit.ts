import { createHash } from 'node:crypto';
import { sql, type Kysely, type Transaction } from 'kysely';
import type { DialectName } from './migrations.js';
import type { AuditTable, Database } from './schema.js';

/** The `prev_hash` of the first record. */
export const AUDIT_GENESIS = '0'.repeat(64);

/** What happened, by whom, to what: one audit record before it is chained. */
export interface AuditEvent {
  actor: string;
  action: string;
  subject: string;
  details?: Record<string, unknown>;
}

/**
 * The hash of one record: SHA-256 over the previous hash and the record's fields as canonical
 * JSON (fixed key order), so changing, removing or reordering any record breaks every hash after it.
 */
export function auditHash(record: Omit<AuditTable, 'hash'>): string {
  const body = JSON.stringify([record.seq, record.at, record.actor, record.action, record.subject, record.details]);
  return createHash('sha256').update(record.prev_hash).update('\n').update(body).digest('hex');
}

/**
 * Appends a record inside the caller's transaction, so it lands with the change it records or
 * not at all. PostgreSQL: an advisory lock held to the end of the transaction serialises
 * appenders (two cannot read the same head); SQLite has one writer at a time anyway. The
 * unique `prev_hash` is the last guard: a fork of the chain cannot be committed.
 */
export async function appendAudit(trx: Transaction<Database>, dialect: DialectName, event: AuditEvent, at: string): Promise<AuditTable> {
  if (dialect === 'postgres') await sql`select pg_advisory_xact_lock(7412001)`.execute(trx);
  const head = await trx.selectFrom('audit').select(['seq', 'hash']).orderBy('seq', 'desc').limit(1).executeTakeFirst();
  const unhashed = {
    seq: (head?.seq ?? 0) + 1,
    at,
    actor: event.actor,
    action: event.action,
    subject: event.subject,
    details: JSON.stringify(event.details ?? {}),
    prev_hash: head?.hash ?? AUDIT_GENESIS,
  };
  const record = { ...unhashed, hash: auditHash(unhashed) };
  await trx.insertInto('audit').values(record).execute();
  return record;
}

/** What `modelgate audit verify` found: the records checked and the first break, if any. */
export interface AuditCheck {
  ok: boolean;
  records: number;
  head: string;
  problem?: { seq: number; message: string };
}

/** Page size when reading the chain back: bounded memory for any length of log. */
const VERIFY_PAGE = 1000;

/** Walks the whole chain in order and checks every link and every hash. */
export async function verifyAudit(db: Kysely<Database>): Promise<AuditCheck> {
  let prev = AUDIT_GENESIS;
  let expectedSeq = 1;
  let records = 0;
  for (;;) {
    const page = await db.selectFrom('audit').selectAll().where('seq', '>=', expectedSeq).orderBy('seq').limit(VERIFY_PAGE).execute();
    for (const r of page) {
      if (r.seq !== expectedSeq) return { ok: false, records, head: prev, problem: { seq: expectedSeq, message: `record ${expectedSeq} is missing` } };
      if (r.prev_hash !== prev) return { ok: false, records, head: prev, problem: { seq: r.seq, message: 'does not link to the record before it' } };
      if (auditHash(r) !== r.hash) return { ok: false, records, head: prev, problem: { seq: r.seq, message: 'its hash does not match its content' } };
      prev = r.hash;
      expectedSeq++;
      records++;
    }
    if (page.length < VERIFY_PAGE) return { ok: true, records, head: prev };
  }
}
