import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { ModelgateError } from '../../core/errors.js';

/** Upload and download limit per file unless configured: big enough for a 70B shard, not for a disk. */
export const DEFAULT_MAX_FILE_BYTES = 64 * 1024 ** 3;
/** Files per version: a repo with more is not a model, and each is a row and a scan entry. */
export const DEFAULT_MAX_FILES = 10_000;
/** Pipelines run at once; each scan already uses the worker pool's threads. */
export const DEFAULT_PIPELINE_CONCURRENCY = 2;

const ConfigSchema = z
  .object({
    port: z.number().int().min(0).max(65535).optional(),
    host: z.string().optional(),
    dataDir: z.string().optional(),
    databaseUrl: z.string().optional(),
    /** A modelgate policy file: a deny rejects a submission automatically. */
    policy: z.string().optional(),
    /** A policy judged and recorded, never enforced: try a new policy before it gates. */
    dryRunPolicy: z.string().optional(),
    maxFileBytes: z.number().int().positive().optional(),
    maxFiles: z.number().int().positive().optional(),
    pipelineConcurrency: z.number().int().positive().optional(),
    /** Local folders a `path` submission may name (none: path submissions are refused). */
    allowedPaths: z.array(z.string()).optional(),
    /** The Hub to fetch `hub` submissions from (default https://huggingface.co, or HF_ENDPOINT). */
    hubEndpoint: z.string().optional(),
    /** The registry's own URL, named in attestations (default http://HOST:PORT). */
    publicUrl: z.string().optional(),
    /**
     * Backdoor screening (Neural Cleanse + STRIP) of ONNX image classifiers against a clean
     * sample set, as `modelgate screen` takes it: applies to versions holding an ONNX model.
     */
    screening: z
      .object({
        samples: z.string(),
        labels: z.string(),
        shape: z.string().optional(),
        scale: z.string().optional(),
        maxSamples: z.number().int().min(2).optional(),
        steps: z.number().int().min(10).optional(),
        seed: z.number().int().min(0).optional(),
      })
      .strict()
      .optional(),
    /** An admin token to create at start when it does not exist (first run, tests). */
    adminToken: z.string().min(16).optional(),
  })
  .strict();

export type RegistryConfig = z.infer<typeof ConfigSchema>;

/** Environment variables and the config keys they set (numbers are parsed). */
const ENV_KEYS: Record<string, keyof RegistryConfig> = {
  MODELGATE_PORT: 'port',
  MODELGATE_HOST: 'host',
  MODELGATE_DATA: 'dataDir',
  DATABASE_URL: 'databaseUrl',
  MODELGATE_DATABASE_URL: 'databaseUrl',
  MODELGATE_REGISTRY_POLICY: 'policy',
  MODELGATE_DRY_RUN_POLICY: 'dryRunPolicy',
  MODELGATE_MAX_FILE_BYTES: 'maxFileBytes',
  MODELGATE_MAX_FILES: 'maxFiles',
  MODELGATE_PIPELINE_CONCURRENCY: 'pipelineConcurrency',
  MODELGATE_ALLOWED_PATHS: 'allowedPaths',
  MODELGATE_HUB_ENDPOINT: 'hubEndpoint',
  MODELGATE_PUBLIC_URL: 'publicUrl',
  MODELGATE_ADMIN_TOKEN: 'adminToken',
};
const NUMERIC = new Set<keyof RegistryConfig>(['port', 'maxFileBytes', 'maxFiles', 'pipelineConcurrency']);

/**
 * The server's configuration: the config file (YAML or JSON), then `MODELGATE_*` variables
 * (and `DATABASE_URL`) over it, then the command line's flags over both. Throws USAGE for a
 * file or value that does not fit.
 */
export function loadRegistryConfig(file: string | undefined, env: NodeJS.ProcessEnv, flags: Partial<RegistryConfig>): RegistryConfig {
  let fromFile: unknown = {};
  if (file !== undefined) {
    try {
      fromFile = parseYaml(readFileSync(resolve(file), 'utf8')) ?? {};
    } catch (e) {
      throw new ModelgateError('USAGE', `config ${file}: ${(e as Error).message}`, { cause: e });
    }
  }
  const fromEnv: Record<string, unknown> = {};
  for (const [name, key] of Object.entries(ENV_KEYS)) {
    const value = env[name];
    if (value === undefined || value === '') continue;
    fromEnv[key] = NUMERIC.has(key) ? Number(value) : key === 'allowedPaths' ? value.split(':') : value;
  }
  const defined = Object.fromEntries(Object.entries(flags).filter(([, v]) => v !== undefined));
  const parsed = ConfigSchema.safeParse({ ...(fromFile as object), ...fromEnv, ...defined });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ModelgateError('USAGE', `registry config: ${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid'}`);
  }
  return parsed.data;
}
