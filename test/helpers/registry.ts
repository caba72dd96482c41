import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testDatabaseUrl } from './database.js';
import { openRegistry, type Principal, type Registry, type RegistryConfig } from '../../src/app/registry/index.js';

/** The databases every registry test runs on: SQLite always, PostgreSQL from the test services. */
export const DATABASES = ['sqlite', 'postgres'] as const;
export type DatabaseKind = (typeof DATABASES)[number];

/** A fresh PostgreSQL database on the test server, for one registry: tests never share rows. */
export async function freshDatabase(): Promise<string> {
  const base = testDatabaseUrl();
  const { default: pg } = await import('pg');
  const name = `mg_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
  const client = new pg.Client({ connectionString: base });
  await client.connect();
  try {
    await client.query(`create database ${name}`);
  } finally {
    await client.end();
  }
  const url = new URL(base);
  url.pathname = `/${name}`;
  return url.toString();
}

export interface TestRegistry {
  registry: Registry;
  dataDir: string;
  config: RegistryConfig;
  close(): Promise<void>;
}

/** A registry on a temporary data folder and a fresh database of the given kind. */
export async function testRegistry(kind: DatabaseKind, config: Partial<RegistryConfig> = {}): Promise<TestRegistry> {
  const dataDir = mkdtempSync(join(tmpdir(), 'mg-registry-'));
  const full: RegistryConfig = { dataDir, ...config, ...(kind === 'postgres' ? { databaseUrl: await freshDatabase() } : {}) };
  const registry = await openRegistry(full);
  return {
    registry,
    dataDir,
    config: full,
    async close() {
      await registry.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Principals of the usual roles, for calling the app layer directly. */
export const PEOPLE = {
  alice: { name: 'alice', roles: ['submitter'] },
  bob: { name: 'bob', roles: ['reviewer'] },
  carol: { name: 'carol', roles: ['approver'] },
  dave: { name: 'dave', roles: ['approver'] },
  erin: { name: 'erin', roles: ['auditor'] },
  root: { name: 'root', roles: ['admin'] },
} satisfies Record<string, Principal>;

/** Bytes as a one-chunk stream, as an upload body arrives. */
export async function* chunks(bytes: Buffer | string): AsyncIterable<Uint8Array> {
  yield typeof bytes === 'string' ? Buffer.from(bytes) : bytes;
}

/** Waits until the version reaches one of `states` (the pipeline runs in the background). */
export async function until(registry: Registry, id: string, states: string[], timeoutMs = 60_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const row = await registry.ctx.db.kysely.selectFrom('versions').select('state').where('id', '=', id).executeTakeFirstOrThrow();
    if (states.includes(row.state)) return row.state;
    if (Date.now() > deadline) throw new Error(`version ${id} is still ${row.state}, not ${states.join('|')}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
