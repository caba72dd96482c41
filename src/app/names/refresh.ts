import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { ModelgateError } from '../../core/errors.js';
import { HubClient } from '../../sources/hf/api.js';
export { nextLink } from '../../sources/hf/api.js';
import { hubConfig } from '../../sources/hf/config.js';
import { HttpTransport } from '../../sources/hf/transport.js';
import { KNOWN_NAMES_SCHEMA, type KnownEntry, type KnownNamesFile, parseKnownNamesFile } from './known-list.js';
import { refreshedListPath } from './paths.js';
import { isHubRepoId } from './repo-id.js';

/**
 * Rebuild the known-names list from the Hub's model listing, most downloaded first.
 *
 * `GET {endpoint}/api/models?sort=downloads&direction=-1&limit=N` answers a JSON array of
 * models (`id`, `downloads`, `likes`, `tags`, ...); "the response is paginated, use the Link
 * header to get the next pages" (https://huggingface.co/docs/hub/api, GET /api/models). The
 * endpoint and token follow the official clients: `HF_ENDPOINT`, `HF_TOKEN` or
 * `HUGGING_FACE_HUB_TOKEN`, and `HF_HUB_OFFLINE` forbids the request. The requests go through
 * the Hub client (src/sources/hf), with its rate-limit waits, retries and error messages; a
 * next page on another host is refused, so the token never leaves the endpoint.
 */
export interface RefreshOptions {
  /** Hub base URL; default `HF_ENDPOINT`, else https://huggingface.co. */
  endpoint?: string;
  /** How many models to list (default DEFAULT_LIMIT). */
  limit?: number;
  /** Bearer token; default `HF_TOKEN`, else `HUGGING_FACE_HUB_TOKEN`. */
  token?: string;
  env?: NodeJS.ProcessEnv;
  /** Where to write the list (default `refreshedListPath()`). */
  output?: string;
  now?: Date;
}

export const DEFAULT_LIMIT = 1000;

/** List the most downloaded models and build a known-names file from them (nothing is written). */
export async function fetchKnownNames(options: RefreshOptions = {}): Promise<KnownNamesFile> {
  const env = options.env ?? process.env;
  if (hubConfig(env).offline) throw new ModelgateError('USAGE', 'HF_HUB_OFFLINE is set: refreshing the known names needs the Hub');
  const endpoint = (options.endpoint ?? env.HF_ENDPOINT ?? 'https://huggingface.co').replace(/\/+$/, '');
  try {
    const parsed = new URL(endpoint);
    if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') throw new Error(parsed.protocol);
  } catch (e) {
    throw new ModelgateError('USAGE', `not an http(s) endpoint: ${endpoint}`, { cause: e });
  }
  const limit = options.limit ?? DEFAULT_LIMIT;
  if (!Number.isSafeInteger(limit) || limit <= 0) throw new ModelgateError('USAGE', 'the limit must be a positive integer');
  const config = hubConfig({ ...env, HF_ENDPOINT: endpoint });
  if (options.token !== undefined) config.token = options.token;
  const listing = `${endpoint}/api/models?sort=downloads&direction=-1`;
  const http = new HttpTransport();
  const models = new Map<string, { downloads?: number; likes?: number }>();
  try {
    for (const model of await new HubClient(config, http).listModels(limit)) {
      // An id the Hub itself would refuse is not a name anyone can load: skip it.
      if (!isHubRepoId(model.id) || models.has(model.id)) continue;
      models.set(model.id, { downloads: model.downloads, likes: model.likes });
    }
  } finally {
    await http.close();
  }
  const from = [`${listing}`];
  const orgs = new Set([...models.keys()].filter((id) => id.includes('/')).map((id) => id.slice(0, id.indexOf('/'))));
  const entries: KnownEntry[] = [
    ...[...orgs].sort().map((id): KnownEntry => ({ id, kind: 'org', from })),
    ...[...models].map(([id, stats]): KnownEntry => ({ id, kind: 'repo', from, ...stats })),
  ];
  const file: KnownNamesFile = {
    schema: KNOWN_NAMES_SCHEMA,
    generated: (options.now ?? new Date()).toISOString(),
    description: `The ${models.size} most downloaded models on ${endpoint}, by modelgate check-name --refresh.`,
    entries,
  };
  return parseKnownNamesFile(file, 'refreshed list');
}

/** Fetch the list and write it (atomically: a temporary file, then a rename). Returns the path. */
export async function refreshKnownNames(options: RefreshOptions = {}): Promise<{ path: string; file: KnownNamesFile }> {
  const file = await fetchKnownNames(options);
  const path = options.output ?? refreshedListPath(options.env);
  try {
    mkdirSync(dirname(path), { recursive: true });
    const temporary = `${path}.${process.pid}.tmp`;
    writeFileSync(temporary, `${JSON.stringify(file, null, 1)}\n`);
    renameSync(temporary, path);
  } catch (e) {
    throw new ModelgateError('UNREADABLE', `cannot write ${path}`, { cause: e });
  }
  return { path, file };
}
