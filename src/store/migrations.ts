import type { Kysely, Migration, MigrationProvider } from 'kysely';

/** The SQL dialects the registry runs on. */
export type DialectName = 'sqlite' | 'postgres';

/**
 * The schema as an ordered list of migrations, the same on both databases (kysely's schema
 * builder writes each dialect's SQL). A migration is never edited once released: add the next.
 */
function migrations(dialect: DialectName): Record<string, Migration> {
  const serial = dialect === 'postgres' ? 'serial' : 'integer';
  return {
    '0001-registry': {
      async up(db: Kysely<unknown>): Promise<void> {
        await db.schema
          .createTable('tokens')
          .addColumn('token_hash', 'text', (c) => c.primaryKey())
          .addColumn('principal', 'text', (c) => c.notNull())
          .addColumn('roles', 'text', (c) => c.notNull())
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addColumn('revoked_at', 'text')
          .execute();
        await db.schema
          .createTable('models')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('owner', 'text')
          .addColumn('business_owner', 'text')
          .addColumn('created_at', 'text', (c) => c.notNull())
          .execute();
        await db.schema
          .createTable('versions')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('model_id', 'text', (c) => c.notNull().references('models.id'))
          .addColumn('source_kind', 'text', (c) => c.notNull())
          .addColumn('source_ref', 'text', (c) => c.notNull())
          .addColumn('source_commit', 'text')
          .addColumn('root_digest', 'text')
          .addColumn('state', 'text', (c) => c.notNull())
          .addColumn('risk', 'text')
          .addColumn('verdict', 'text')
          .addColumn('report', 'text')
          .addColumn('provenance_key', 'text')
          .addColumn('policy_digest', 'text')
          .addColumn('state_reason', 'text')
          .addColumn('submitted_by', 'text', (c) => c.notNull())
          .addColumn('licence_accepted_by', 'text')
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addColumn('updated_at', 'text', (c) => c.notNull())
          .addColumn('revision', 'integer', (c) => c.notNull().defaultTo(0))
          .execute();
        await db.schema.createIndex('versions_model').on('versions').columns(['model_id', 'created_at']).execute();
        await db.schema.createIndex('versions_state').on('versions').column('state').execute();
        await db.schema
          .createTable('version_files')
          .addColumn('version_id', 'text', (c) => c.notNull().references('versions.id'))
          .addColumn('path', 'text', (c) => c.notNull())
          .addColumn('sha256', 'text', (c) => c.notNull())
          .addColumn('size', 'bigint', (c) => c.notNull())
          .addPrimaryKeyConstraint('version_files_pk', ['version_id', 'path'])
          .execute();
        await db.schema.createIndex('version_files_sha256').on('version_files').column('sha256').execute();
        await db.schema
          .createTable('transitions')
          .addColumn('id', serial, (c) => (dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement()))
          .addColumn('version_id', 'text', (c) => c.notNull().references('versions.id'))
          .addColumn('from_state', 'text')
          .addColumn('to_state', 'text', (c) => c.notNull())
          .addColumn('actor', 'text', (c) => c.notNull())
          .addColumn('reason', 'text')
          .addColumn('at', 'text', (c) => c.notNull())
          .execute();
        await db.schema.createIndex('transitions_version').on('transitions').column('version_id').execute();
        await db.schema
          .createTable('approvals')
          .addColumn('version_id', 'text', (c) => c.notNull().references('versions.id'))
          .addColumn('approver', 'text', (c) => c.notNull())
          .addColumn('reason', 'text')
          .addColumn('at', 'text', (c) => c.notNull())
          .addPrimaryKeyConstraint('approvals_pk', ['version_id', 'approver'])
          .execute();
        await db.schema
          .createTable('waivers')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('version_id', 'text', (c) => c.notNull().references('versions.id'))
          .addColumn('rule', 'text', (c) => c.notNull())
          .addColumn('reason', 'text', (c) => c.notNull())
          .addColumn('owner', 'text', (c) => c.notNull())
          .addColumn('expires_at', 'text', (c) => c.notNull())
          .addColumn('created_by', 'text', (c) => c.notNull())
          .addColumn('created_at', 'text', (c) => c.notNull())
          .execute();
        await db.schema
          .createTable('attestations')
          .addColumn('version_id', 'text', (c) => c.notNull().references('versions.id'))
          .addColumn('kind', 'text', (c) => c.notNull())
          .addColumn('body', 'text', (c) => c.notNull())
          .addColumn('sha256', 'text', (c) => c.notNull())
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addPrimaryKeyConstraint('attestations_pk', ['version_id', 'kind'])
          .execute();
        await db.schema
          .createTable('deployments')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('version_id', 'text', (c) => c.notNull().references('versions.id'))
          .addColumn('environment', 'text', (c) => c.notNull())
          .addColumn('owner', 'text', (c) => c.notNull())
          .addColumn('business_owner', 'text')
          .addColumn('deployed_at', 'text', (c) => c.notNull())
          .addColumn('removed_at', 'text')
          .addColumn('status', 'text', (c) => c.notNull())
          .addColumn('created_by', 'text', (c) => c.notNull())
          .execute();
        await db.schema.createIndex('deployments_version').on('deployments').column('version_id').execute();
        await db.schema
          .createTable('lineage')
          .addColumn('child_version_id', 'text', (c) => c.notNull().references('versions.id'))
          .addColumn('parent_model_id', 'text', (c) => c.notNull())
          .addColumn('parent_version_id', 'text')
          .addColumn('relation', 'text', (c) => c.notNull())
          .addColumn('status', 'text', (c) => c.notNull())
          .addColumn('evidence', 'text', (c) => c.notNull())
          .addPrimaryKeyConstraint('lineage_pk', ['child_version_id', 'parent_model_id'])
          .execute();
        await db.schema.createIndex('lineage_parent').on('lineage').column('parent_model_id').execute();
        await db.schema
          .createTable('incidents')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('version_id', 'text', (c) => c.notNull().references('versions.id'))
          .addColumn('deployment_id', 'text')
          .addColumn('kind', 'text', (c) => c.notNull())
          .addColumn('details', 'text', (c) => c.notNull())
          .addColumn('opened_at', 'text', (c) => c.notNull())
          .addColumn('closed_at', 'text')
          .execute();
        await db.schema
          .createTable('audit')
          .addColumn('seq', 'integer', (c) => c.primaryKey())
          .addColumn('at', 'text', (c) => c.notNull())
          .addColumn('actor', 'text', (c) => c.notNull())
          .addColumn('action', 'text', (c) => c.notNull())
          .addColumn('subject', 'text', (c) => c.notNull())
          .addColumn('details', 'text', (c) => c.notNull())
          .addColumn('prev_hash', 'text', (c) => c.notNull().unique())
          .addColumn('hash', 'text', (c) => c.notNull().unique())
          .execute();
        await db.schema
          .createTable('webhooks')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('url', 'text', (c) => c.notNull())
          .addColumn('secret', 'text', (c) => c.notNull())
          .addColumn('events', 'text', (c) => c.notNull())
          .addColumn('created_at', 'text', (c) => c.notNull())
          .execute();
        await db.schema
          .createTable('deliveries')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('webhook_id', 'text', (c) => c.notNull().references('webhooks.id'))
          .addColumn('event', 'text', (c) => c.notNull())
          .addColumn('payload', 'text', (c) => c.notNull())
          .addColumn('attempts', 'integer', (c) => c.notNull())
          .addColumn('next_at', 'text', (c) => c.notNull())
          .addColumn('state', 'text', (c) => c.notNull())
          .addColumn('last_error', 'text')
          .execute();
        await db.schema.createIndex('deliveries_due').on('deliveries').columns(['state', 'next_at']).execute();
      },
    },
    '0002-blob-tensors': {
      async up(db: Kysely<unknown>): Promise<void> {
        // Per-tensor digests of a safetensors blob, computed once: lineage compares them.
        await db.schema
          .createTable('blob_tensors')
          .addColumn('sha256', 'text', (c) => c.primaryKey())
          .addColumn('tensors', 'text', (c) => c.notNull())
          .execute();
      },
    },
  };
}

/** The migrations as kysely's Migrator reads them. */
export function migrationProvider(dialect: DialectName): MigrationProvider {
  return { getMigrations: async () => migrations(dialect) };
}
