import { createHash } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { BlobStore, openDb, verifyAudit, type AuditCheck } from '../../store/index.js';
import { loadPolicy } from '../policy/index.js';
import { DEFAULT_MAX_FILE_BYTES, DEFAULT_MAX_FILES, DEFAULT_PIPELINE_CONCURRENCY, type RegistryConfig } from './config.js';
import type { RegistryContext } from './context.js';
import { loadRegistryKey } from './keys.js';
import { Pipeline } from './pipeline.js';
import { ensureAdminToken } from './tokens.js';
import { deliverDue } from './webhooks.js';
import { rescanStale, type Rescanned } from './rescan.js';

/** How often due webhook deliveries are looked for (retries wait at least a second). */
const WEBHOOK_POLL_MS = 1000;

/** An open registry: its context (what every operation takes), its pipeline, and how to stop it. */
export interface Registry {
  ctx: RegistryContext;
  pipeline: Pipeline;
  /** Resumed pipelines at start: versions a previous run left in an automatic state. */
  resumed: number;
  /** The background re-scan of versions judged by another engine, started at open. */
  rescanning: Promise<Rescanned[]>;
  close(): Promise<void>;
}

export interface OpenRegistryOptions {
  /** Start the pipeline and the webhook sender (default true; the CLI's `audit verify` does not). */
  background?: boolean;
  /** A clock for tests. */
  now?: () => string;
}

/**
 * Opens the registry's data folder (database migrated, blob store, signing key, policies) and,
 * unless told not to, resumes unfinished pipelines and starts delivering webhooks.
 */
export async function openRegistry(config: RegistryConfig, options: OpenRegistryOptions = {}): Promise<Registry> {
  const dataDir = resolve(config.dataDir ?? 'modelgate-data');
  const db = await openDb({ dataDir, databaseUrl: config.databaseUrl });
  const policy = config.policy ? loadPolicy({ file: config.policy }) : undefined;
  const dryRunPolicy = config.dryRunPolicy ? loadPolicy({ file: config.dryRunPolicy }) : undefined;
  const ctx: RegistryContext = {
    db,
    blobs: new BlobStore(dataDir),
    config: { ...config, dataDir, maxFileBytes: config.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES, maxFiles: config.maxFiles ?? DEFAULT_MAX_FILES },
    policy,
    policyDigest: policy ? createHash('sha256').update(readFileSync(policy.path)).digest('hex') : undefined,
    dryRunPolicy,
    key: loadRegistryKey(dataDir),
    events: new EventEmitter(),
    now: options.now ?? (() => new Date().toISOString()),
  };
  ctx.events.setMaxListeners(0);
  if (config.adminToken) await ensureAdminToken(ctx, config.adminToken);
  const pipeline = new Pipeline(ctx, config.pipelineConcurrency ?? DEFAULT_PIPELINE_CONCURRENCY);
  let timer: NodeJS.Timeout | undefined;
  let resumed = 0;
  let closing = false;
  let rescanning: Promise<Rescanned[]> = Promise.resolve([]);
  if (options.background !== false) {
    resumed = await pipeline.resume();
    // After the resumed pipelines are queued: new verdicts first, then the old ones made again.
    rescanning = rescanStale(ctx, () => closing).catch(() => []);
    let sending = false;
    const send = (): void => {
      if (sending) return;
      sending = true;
      void deliverDue(ctx)
        .catch(() => 0)
        .finally(() => (sending = false));
    };
    timer = setInterval(send, WEBHOOK_POLL_MS);
    timer.unref();
    ctx.events.on('webhook-due', send);
  }
  return {
    ctx,
    pipeline,
    resumed,
    rescanning,
    async close() {
      closing = true;
      if (timer) clearInterval(timer);
      await pipeline.stop();
      await rescanning;
      await db.close();
    },
  };
}

/** Checks the audit log's hash chain from the first record to the last. */
export async function verifyRegistryAudit(registry: Registry): Promise<AuditCheck> {
  return verifyAudit(registry.ctx.db.kysely);
}
