import type { Limits } from './limits.js';
import type { Finding, Verdict } from './finding.js';
import type { Severity } from './severity.js';

/** One file on disk (or of a repo): REPORT.md `files[]`. */
export interface FileResult {
  path: string;
  /** Index in `targets`, present when there are several targets. */
  targetIndex?: number;
  /** What the content is, detected from bytes: `pickle`, `pytorch-zip`, `npy`, `other`... */
  format: string;
  size: number;
  sha256?: string;
  sha256Source?: 'computed' | 'hub-lfs';
  verdict: Verdict;
  findings: Finding[];
  /** For a file of a Hugging Face cache snapshot: the repo, revision and repo path it is (issue 17). */
  hfCache?: HfCacheFile;
}

/**
 * A file of a huggingface_hub cache snapshot (`models--org--name/snapshots/<commit>/<path>`),
 * read from the blob its link leads to. A blob several snapshots share is scanned and reported
 * under each of their paths.
 */
export interface HfCacheFile {
  /** `org/name`. */
  repo: string;
  type: 'model' | 'dataset' | 'space';
  /** The snapshot's commit. */
  commit: string;
  /** The refs (`main`, a tag, `refs/pr/1`) that name this commit in the cache's `refs/`. */
  refs: string[];
  /** The file's path in the repo. */
  path: string;
  /** The blob's name (its LFS sha256 or git blob id) when the file is a link into `blobs/`. */
  blob?: string;
}

export interface ScanSummary {
  files: number;
  malicious: number;
  suspicious: number;
  clean: number;
  error: number;
  maxSeverity: Severity | null;
  durationMs: number;
}

/** Where a repo's files came from: a Hugging Face repo resolved to one commit. */
export interface ScanSource {
  /** `org/name` as asked for. */
  repo: string;
  /** The revision as asked for (a branch, tag or sha); `main` when none was given. */
  revision: string;
  /** The 40-hex commit sha the revision resolved to; every file was read at this commit. */
  commit: string;
  /** The repo's canonical name when the Hub redirected `repo` to it (a renamed repo). */
  redirectedTo?: string;
  /** The Hub's own security scan, as one signal (never the verdict). */
  hubSecurityStatus?: unknown;
}

/** One reason of a policy decision: the policy rule that spoke and what it found. */
export interface PolicyReason {
  /** The policy key, e.g. `formats`, `maxSeverity`, `organizations.deny`. */
  rule: string;
  message: string;
  /** The file (path in the report) the reason is about, when it is about one. */
  path?: string;
  /** The finding's rule id, when the reason is a finding. */
  ruleId?: string;
}

/** The policy gate's answer: allow or deny, and every reason (REPORT.md, issue 4). */
export interface PolicyDecision {
  allow: boolean;
  /** Why: the denying reasons when `allow` is false; notes (overrides applied) otherwise. */
  reasons: PolicyReason[];
  /** Where the policy was read from (a path). */
  policy?: string;
}

/** The whole scan report, `modelgate/report@1` (REPORT.md). */
/**
 * What produced a result (formats, rules, allow-list and limits, each versioned), and `key`,
 * the SHA-256 of that record: the cache and job key.
 */
export interface Provenance {
  key: string;
  tool: string;
  formats: Record<string, number>;
  rules: Record<string, number>;
  /** SHA-256 of the pickle allow-list file. */
  allowList: string;
  limits: Limits;
}

export interface ScanResult {
  schema: 'modelgate/report@1';
  /** `provenance` is present on results of `runScan`. */
  tool: { name: 'modelgate'; version: string; provenance?: Provenance };
  targets: string[];
  /** Present for a Hugging Face target. */
  source?: ScanSource;
  summary: ScanSummary;
  findings: Finding[];
  files: FileResult[];
  /** Present when a policy was applied. */
  decision?: PolicyDecision;
  /** Report paths of local files `--exclude` left out: not scanned, so not judged clean. */
  excluded?: string[];
}
