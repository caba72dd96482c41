import { existsSync, readFileSync } from 'node:fs';
import { z } from 'zod';
import { ModelgateError } from '../../core/errors.js';
import { isHubRepoId } from './repo-id.js';

/**
 * The list of well-known organisations and repos (data/known-names.json, and a list rebuilt
 * from the Hub by `modelgate check-name --refresh`). Both share one schema.
 */
export const KNOWN_NAMES_SCHEMA = 'modelgate/known-names@1';

const entrySchema = z.object({
  /** `org`, `org/name`, or a legacy `name`. */
  id: z.string().refine(isHubRepoId, 'not a Hub repo id'),
  kind: z.enum(['org', 'repo']),
  /** Where the name was seen: `owner/repo:path@commit`, or the Hub listing URL. */
  from: z.array(z.string()).min(1),
  downloads: z.number().nonnegative().optional(),
  likes: z.number().nonnegative().optional(),
});

const fileSchema = z.object({
  schema: z.literal(KNOWN_NAMES_SCHEMA),
  generated: z.string().regex(/^\d{4}-\d{2}-\d{2}/, 'an ISO date'),
  description: z.string(),
  sources: z.array(z.object({ id: z.string(), url: z.string() }).passthrough()).optional(),
  entries: z.array(entrySchema),
});

export type KnownEntry = z.infer<typeof entrySchema>;
export type KnownNamesFile = z.infer<typeof fileSchema>;

/** Known names, indexed for lookups. */
export interface KnownNames {
  /** The files read, for reports. */
  lists: Array<{ path: string; generated: string; entries: number }>;
  /** Organisation name → where it came from. */
  orgs: Map<string, string[]>;
  /** Repo id → where it came from. */
  repos: Map<string, string[]>;
}

/** The list shipped in the package. */
export const SHIPPED_LIST = new URL('../../../data/known-names.json', import.meta.url);

/** Validate parsed JSON as a known-names file; throws MALFORMED with the first problem. */
export function parseKnownNamesFile(json: unknown, label: string): KnownNamesFile {
  const parsed = fileSchema.safeParse(json);
  if (!parsed.success) {
    // A failed parse has at least one issue.
    const issue = parsed.error.issues[0]!;
    throw new ModelgateError('MALFORMED', `${label}: ${issue.path.join('.') || 'file'}: ${issue.message}`);
  }
  return parsed.data;
}

/** Read one list file. Fails closed: an unreadable or invalid list is an error, never "empty". */
export function readKnownNamesFile(path: string | URL): KnownNamesFile {
  const label = typeof path === 'string' ? path : path.pathname;
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new ModelgateError('UNREADABLE', `cannot read known-names list ${label}`, { cause: e });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new ModelgateError('MALFORMED', `known-names list ${label} is not JSON`, { cause: e });
  }
  return parseKnownNamesFile(json, label);
}

/** Merge list files into one index. An org is known when listed, or when a known repo names it. */
export function indexKnownNames(files: Array<{ path: string; file: KnownNamesFile }>): KnownNames {
  const known: KnownNames = { lists: [], orgs: new Map(), repos: new Map() };
  const add = (map: Map<string, string[]>, key: string, from: string[]): void => {
    const seen = map.get(key) ?? [];
    for (const f of from) if (!seen.includes(f)) seen.push(f);
    map.set(key, seen);
  };
  for (const { path, file } of files) {
    known.lists.push({ path, generated: file.generated, entries: file.entries.length });
    for (const entry of file.entries) {
      if (entry.kind === 'org') {
        add(known.orgs, entry.id, entry.from);
        continue;
      }
      add(known.repos, entry.id, entry.from);
      const slash = entry.id.indexOf('/');
      if (slash > 0) add(known.orgs, entry.id.slice(0, slash), entry.from);
    }
  }
  return known;
}

/** Options for loading known names. */
export interface LoadOptions {
  /** Extra list files read after the shipped one (a refreshed list, say); missing files are skipped. */
  extraLists?: string[];
  /** Leave the shipped list out (tests). */
  withoutShipped?: boolean;
}

const cache = new Map<string, KnownNames>();

/** The shipped list plus any extra lists that exist, indexed. Cached per set of paths. */
export function loadKnownNames(options: LoadOptions = {}): KnownNames {
  const extras = (options.extraLists ?? []).filter((p) => existsSync(p));
  const key = JSON.stringify([options.withoutShipped === true, extras]);
  const hit = cache.get(key);
  if (hit) return hit;
  const files: Array<{ path: string; file: KnownNamesFile }> = [];
  if (!options.withoutShipped) files.push({ path: 'data/known-names.json', file: readKnownNamesFile(SHIPPED_LIST) });
  for (const path of extras) files.push({ path, file: readKnownNamesFile(path) });
  const known = indexKnownNames(files);
  // The refreshed list can change between runs of a long-lived process; only the shipped one is cached.
  if (extras.length === 0) cache.set(key, known);
  return known;
}
