import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, Migrator, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import { ModelgateError } from '../core/errors.js';
import { migrationProvider, type DialectName } from './migrations.js';
import type { Database } from './schema.js';

/** An open registry database, migrated to the current schema. */
export interface Db {
  readonly kysely: Kysely<Database>;
  readonly dialect: DialectName;
  close(): Promise<void>;
}

export interface DbOptions {
  /** The data folder: the SQLite file lives here when there is no `databaseUrl`. */
  dataDir: string;
  /** `postgres://…`: PostgreSQL instead of the embedded SQLite. */
  databaseUrl?: string;
}

/** How long a SQLite writer waits for another process's lock before failing (a CLI beside the server). */
const SQLITE_BUSY_MS = 10_000;
/** PostgreSQL connections per process: enough for the pipeline and the API at once. */
const PG_POOL_SIZE = 10;

/** int8 (sizes, counts) as a JS number: files stay far below 2^53 bytes. */
const PG_INT8 = 20;

function postgres(url: string): Kysely<Database> {
  const types = {
    getTypeParser: (oid: number, format?: string) => (oid === PG_INT8 ? (v: string) => Number(v) : pg.types.getTypeParser(oid, format as 'text')),
  };
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: url, max: PG_POOL_SIZE, types }) }) });
}

function sqlite(dataDir: string): Kysely<Database> {
  mkdirSync(dataDir, { recursive: true });
  const db = new SQLite(join(dataDir, 'registry.sqlite'), { timeout: SQLITE_BUSY_MS });
  // WAL: readers never wait for the writer; FULL sync: an approval acknowledged is on disk.
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  return new Kysely<Database>({ dialect: new SqliteDialect({ database: db }) });
}

/**
 * Opens the registry database (PostgreSQL for a `postgres:` URL, SQLite in the data folder
 * otherwise) and applies any migration not yet applied. Throws a ModelgateError UNREADABLE when
 * it cannot connect or migrate.
 */
export async function openDb(options: DbOptions): Promise<Db> {
  const url = options.databaseUrl;
  if (url !== undefined && !/^postgres(ql)?:\/\//.test(url)) throw new ModelgateError('USAGE', `DATABASE_URL must be a postgres:// URL, not ${url}`);
  const dialect: DialectName = url ? 'postgres' : 'sqlite';
  const kysely = url ? postgres(url) : sqlite(options.dataDir);
  try {
    const { error, results } = await new Migrator({ db: kysely, provider: migrationProvider(dialect) }).migrateToLatest();
    if (error) {
      const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
      throw new ModelgateError('UNREADABLE', `registry database: migration ${failed} failed: ${(error as Error).message}`, { cause: error });
    }
  } catch (e) {
    await kysely.destroy();
    if (e instanceof ModelgateError) throw e;
    throw new ModelgateError('UNREADABLE', `registry database: ${(e as Error).message}`, { cause: e });
  }
  return { kysely, dialect, close: () => kysely.destroy() };
}
