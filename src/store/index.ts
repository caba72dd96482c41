/** The registry's storage: its database (SQLite or PostgreSQL, one schema) and blob store. */
export { openDb, type Db, type DbOptions } from './open.js';
export { BlobStore, type StoredBlob } from './blobs.js';
export { appendAudit, auditHash, verifyAudit, AUDIT_GENESIS, type AuditCheck, type AuditEvent } from './audit.js';
export type { DialectName } from './migrations.js';
export type * from './schema.js';
