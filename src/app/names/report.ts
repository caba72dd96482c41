import { checkName, type CheckNameOptions, MIN_SCORE, type NameMatch } from './check.js';
import { loadKnownNames } from './known-list.js';
import { refreshedListPath } from './paths.js';
import { parseRepoId } from './repo-id.js';

/** What `modelgate check-name --format json` prints (schema `modelgate/check-name@1`). */
export interface CheckNameReport {
  schema: 'modelgate/check-name@1';
  /** The repo id as checked (prefixes, URLs and `@REVISION` removed). */
  name: string;
  org: string | null;
  repo: string;
  /** True when the id, or its organisation, is on a known list. */
  known: boolean;
  /** False when the id has characters the Hub does not allow in repo ids. */
  hubSyntax: boolean;
  /** True when some look-alike scores at least `minScore`. */
  squatted: boolean;
  minScore: number;
  /** The known-name lists compared with. */
  lists: Array<{ path: string; generated: string; entries: number }>;
  matches: NameMatch[];
}

/** Check a name and describe the result for the `check-name` command and other callers. */
export function checkNameReport(input: string, options: CheckNameOptions = {}): CheckNameReport {
  const repo = parseRepoId(input);
  const known = options.known ?? loadKnownNames({ extraLists: [refreshedListPath(options.env)] });
  const minScore = options.minScore ?? MIN_SCORE;
  const matches = checkName(repo, { ...options, known, minScore });
  return {
    schema: 'modelgate/check-name@1',
    name: repo.id,
    org: repo.org ?? null,
    repo: repo.name,
    known: known.repos.has(repo.id) || (repo.org !== undefined && known.orgs.has(repo.org)),
    hubSyntax: repo.hubSyntax,
    squatted: matches.length > 0,
    minScore,
    lists: known.lists,
    matches,
  };
}
