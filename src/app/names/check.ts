import type { Severity } from '../../core/severity.js';
import { type Difference } from './diff.js';
import { type KnownNames, loadKnownNames } from './known-list.js';
import { refreshedListPath } from './paths.js';
import { parseRepoId, type RepoId } from './repo-id.js';
import { compareNames, type SimilarityKind } from './similarity.js';
import { skeletonFold } from './skeleton.js';

/** One look-alike of a well-known name. */
export interface NameMatch {
  /** How it resembles the known name; `copied-name` is a known repo's name under another organisation. */
  kind: SimilarityKind | 'copied-name';
  /** Which part of the checked id resembles a known one. */
  part: 'org' | 'name';
  /** 0..1, see docs/rules/repo-typosquat.md. */
  score: number;
  severity: Severity;
  /** The checked org or repo name. */
  input: string;
  /** The known organisation (part `org`) or repo id (part `name`). */
  similarTo: string;
  /** For an org look-alike: the known repo under the known org with the same name, if any. */
  knownRepo?: string;
  differences: Difference[];
  /** A sentence a person can check. */
  reason: string;
  /** Where the known name came from. */
  from: string[];
}

/** Options for `checkName`. */
export interface CheckNameOptions {
  /** Known names to compare with; default: the shipped list plus the refreshed one if present. */
  known?: KnownNames;
  /** Environment for the refreshed list's path (default `process.env`). */
  env?: NodeJS.ProcessEnv;
  /** Leave out matches scoring below this (default MIN_SCORE). */
  minScore?: number;
  /** At most this many matches, best first (default 10). */
  limit?: number;
}

/** Matches below this score are noise: most are fine-tunes, mirrors and conversions. */
export const MIN_SCORE = 0.45;

/** Scores of a known repo's name copied under an unrelated organisation (see the rule doc). */
export const COPY_SCORES = { legacy: 0.45, exact: 0.5, caseOrSeparator: 0.55, homoglyph: 0.7 } as const;
/** An org look-alike that also copies a repo name of the org it imitates ranks a little higher. */
const TWIN_BONUS = 0.04;
/** Names this short (folded) are too generic to call a copy (`R-4B`, `cwm`). */
const MIN_COPIED_LENGTH = 5;

/** Severity of a match from its score: 0.85 and up high, 0.65 medium, 0.45 low, else info. */
export function severityForScore(score: number): Severity {
  if (score >= 0.85) return 'high';
  if (score >= 0.65) return 'medium';
  if (score >= 0.45) return 'low';
  return 'info';
}

interface Lookup {
  byOrg: Map<string, string[]>;
  byNameFold: Map<string, string[]>;
}
const lookups = new WeakMap<KnownNames, Lookup>();

function lookupOf(known: KnownNames): Lookup {
  let lookup = lookups.get(known);
  if (lookup) return lookup;
  lookup = { byOrg: new Map(), byNameFold: new Map() };
  for (const id of known.repos.keys()) {
    const slash = id.indexOf('/');
    const name = slash < 0 ? id : id.slice(slash + 1);
    if (slash > 0) lookup.byOrg.set(id.slice(0, slash), [...(lookup.byOrg.get(id.slice(0, slash)) ?? []), id]);
    const fold = skeletonFold(name);
    lookup.byNameFold.set(fold, [...(lookup.byNameFold.get(fold) ?? []), id]);
  }
  lookups.set(known, lookup);
  return lookup;
}

const nameOf = (id: string): string => id.slice(id.indexOf('/') + 1);

function orgMatches(repo: RepoId & { org: string }, known: KnownNames, lookup: Lookup): NameMatch[] {
  const matches: NameMatch[] = [];
  for (const [org, from] of known.orgs) {
    const similar = compareNames(repo.org, org, { allowAffix: true });
    if (!similar) continue;
    const siblings = lookup.byOrg.get(org) ?? [];
    const twin = siblings.find((id) => nameOf(id) === repo.name) ?? siblings.find((id) => skeletonFold(nameOf(id)) === skeletonFold(repo.name));
    const score = twin ? Math.round(Math.min(0.99, similar.score + TWIN_BONUS) * 100) / 100 : similar.score;
    const tail = twin ? `; ${org} publishes ${twin}` : '';
    matches.push({
      kind: similar.kind,
      part: 'org',
      score,
      severity: severityForScore(score),
      input: repo.org,
      similarTo: org,
      ...(twin ? { knownRepo: twin } : {}),
      differences: similar.differences,
      reason: `organisation '${repo.org}' resembles the well-known '${org}': ${similar.explanation}${tail}`,
      from,
    });
  }
  return matches;
}

function copiedNameMatches(repo: RepoId, known: KnownNames, lookup: Lookup, orgLookAlikes: Set<string>): NameMatch[] {
  const fold = skeletonFold(repo.name);
  if (fold.length < MIN_COPIED_LENGTH) return [];
  const matches: NameMatch[] = [];
  for (const id of lookup.byNameFold.get(fold) ?? []) {
    const slash = id.indexOf('/');
    const knownOrg = slash < 0 ? undefined : id.slice(0, slash);
    // An org look-alike match already names this repo; a legacy id copied as a legacy id is itself.
    if (knownOrg !== undefined && orgLookAlikes.has(knownOrg)) continue;
    if (knownOrg === undefined && repo.org === undefined) continue;
    const knownName = nameOf(id);
    const similar = compareNames(repo.name, knownName);
    let score: number = COPY_SCORES.exact;
    let how = 'copies the name of';
    if (similar?.kind === 'homoglyph') {
      score = COPY_SCORES.homoglyph;
      how = `imitates the name of (${similar.explanation})`;
    } else if (similar) {
      score = COPY_SCORES.caseOrSeparator;
      how = `copies, with ${similar.kind === 'case' ? 'other case' : 'other separators'}, the name of`;
    } else if (knownOrg === undefined) {
      score = COPY_SCORES.legacy;
    }
    matches.push({
      kind: 'copied-name',
      part: 'name',
      score,
      severity: severityForScore(score),
      input: repo.name,
      similarTo: id,
      differences: similar?.differences ?? [],
      reason: `'${repo.id}' ${how} the well-known ${id}${knownOrg ? ` under another organisation` : ''}; mirrors, fine-tunes and conversions do this too, so check who publishes it`,
      from: known.repos.get(id) ?? [],
    });
  }
  return matches;
}

/**
 * Look-alikes of well-known organisations and repos for a Hugging Face repo id (`ORG/NAME`,
 * `hf:ORG/NAME@REV` or a huggingface.co URL), best first. Empty when the name is known or
 * resembles nothing. An organisation on the known list is never compared with others: it
 * owns its namespace, so a known org is never flagged against itself or its own repos.
 * Throws a USAGE ModelgateError for text that is not a repo id, and UNREADABLE or MALFORMED
 * when a known-names list cannot be read.
 */
export function checkName(repoId: string | RepoId, options: CheckNameOptions = {}): NameMatch[] {
  const repo = typeof repoId === 'string' ? parseRepoId(repoId) : repoId;
  const known = options.known ?? loadKnownNames({ extraLists: [refreshedListPath(options.env)] });
  if (known.repos.has(repo.id)) return [];
  if (repo.org !== undefined && known.orgs.has(repo.org)) return [];
  const lookup = lookupOf(known);
  const byOrg = repo.org === undefined ? [] : orgMatches({ ...repo, org: repo.org }, known, lookup);
  const copies = copiedNameMatches(repo, known, lookup, new Set(byOrg.map((m) => m.similarTo)));
  const minScore = options.minScore ?? MIN_SCORE;
  return [...byOrg, ...copies]
    .filter((m) => m.score >= minScore)
    .sort((x, y) => y.score - x.score || x.similarTo.localeCompare(y.similarTo))
    .slice(0, options.limit ?? 10);
}
