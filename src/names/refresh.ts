import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { ModelgateError } from '../core/errors.js';
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
 * `HUGGING_FACE_HUB_TOKEN`, and `HF_HUB_OFFLINE` forbids the request.
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
  /** For tests and proxies. */
  fetch?: typeof fetch;
  now?: Date;
}

export const DEFAULT_LIMIT = 1000;
/** The most a page is asked for; the Hub pages longer listings with Link headers anyway. */
const PAGE_SIZE = 1000;
/** A page of 1000 models without `full` is a few hundred KiB; more than this is not a listing. */
const MAX_PAGE_BYTES = 32 * 1024 * 1024;
/** Per request; a stalled Hub must not hang the command. */
const TIMEOUT_MS = 60_000;

const truthy = (value: string | undefined): boolean => /^(1|on|yes|true)$/i.test(value ?? '');

async function readLimited(response: Response, url: string): Promise<string> {
  const reader = response.body?.getReader();
  if (!reader) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_PAGE_BYTES) {
      await reader.cancel();
      throw new ModelgateError('MALFORMED', `${url}: listing page larger than ${MAX_PAGE_BYTES} bytes`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** The `rel="next"` target of a Link header (RFC 8288), resolved against the page URL. */
export function nextLink(header: string | null, base: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(/,(?=\s*<)/)) {
    const m = /^\s*<([^>]*)>(.*)$/.exec(part);
    if (m && /;\s*rel="?([^";]*\s)?next(\s[^";]*)?"?/i.test(m[2])) return new URL(m[1], base).toString();
  }
  return undefined;
}

function httpError(status: number, url: string): ModelgateError {
  const hint = status === 401 || status === 403 ? ' (check HF_TOKEN)' : status === 429 ? ' (rate limited; try later or with a token)' : '';
  return new ModelgateError('UNREADABLE', `${url}: HTTP ${status}${hint}`);
}

/** List the most downloaded models and build a known-names file from them (nothing is written). */
export async function fetchKnownNames(options: RefreshOptions = {}): Promise<KnownNamesFile> {
  const env = options.env ?? process.env;
  if (truthy(env.HF_HUB_OFFLINE)) throw new ModelgateError('USAGE', 'HF_HUB_OFFLINE is set: refreshing the known names needs the Hub');
  const endpoint = (options.endpoint ?? env.HF_ENDPOINT ?? 'https://huggingface.co').replace(/\/+$/, '');
  let origin: string;
  try {
    const parsed = new URL(endpoint);
    if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') throw new Error(parsed.protocol);
    origin = parsed.origin;
  } catch (e) {
    throw new ModelgateError('USAGE', `not an http(s) endpoint: ${endpoint}`, { cause: e });
  }
  const limit = options.limit ?? DEFAULT_LIMIT;
  if (!Number.isSafeInteger(limit) || limit <= 0) throw new ModelgateError('USAGE', 'the limit must be a positive integer');
  const token = options.token ?? env.HF_TOKEN ?? env.HUGGING_FACE_HUB_TOKEN;
  const doFetch = options.fetch ?? fetch;
  const listing = `${endpoint}/api/models?sort=downloads&direction=-1`;
  const models = new Map<string, { downloads?: number; likes?: number }>();
  let url: string | undefined = `${listing}&limit=${Math.min(limit, PAGE_SIZE)}`;
  while (url && models.size < limit) {
    // The token goes to the endpoint's origin only, and redirects are refused, so it never leaves it.
    if (new URL(url).origin !== origin) throw new ModelgateError('MALFORMED', `the listing's next page is on another host: ${url}`);
    let response: Response;
    try {
      response = await doFetch(url, {
        headers: { accept: 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        redirect: 'error',
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
    } catch (e) {
      throw new ModelgateError('UNREADABLE', `cannot reach ${url}`, { cause: e });
    }
    if (!response.ok) throw httpError(response.status, url);
    let page: unknown;
    try {
      page = JSON.parse(await readLimited(response, url));
    } catch (e) {
      if (e instanceof ModelgateError) throw e;
      throw new ModelgateError('MALFORMED', `${url}: the listing is not JSON`, { cause: e });
    }
    if (!Array.isArray(page)) throw new ModelgateError('MALFORMED', `${url}: the listing is not a JSON array`);
    if (page.length === 0) break;
    for (const item of page as unknown[]) {
      const model = item as { id?: unknown; downloads?: unknown; likes?: unknown };
      // An id the Hub itself would refuse is not a name anyone can load: skip it.
      if (typeof model?.id !== 'string' || !isHubRepoId(model.id) || models.has(model.id)) continue;
      const count = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : undefined);
      models.set(model.id, { downloads: count(model.downloads), likes: count(model.likes) });
      if (models.size >= limit) break;
    }
    url = nextLink(response.headers.get('link'), url);
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
