import type { Artifact, ArtifactEntry } from '../core/artifact.js';
import type { Finding } from '../core/finding.js';
import { withLimits, type Limits } from '../core/limits.js';
import type { FileResult, ScanResult } from '../core/report-types.js';
import { repoFindings } from '../detectors/repo/repo-findings.js';
import { prepareEngine, provenance, scanEntry, type ScanObserver } from '../engine/index.js';
import { typosquatFindings } from '../names/index.js';
import type { LoadedPolicy } from '../policy/index.js';
import { isHubArtifact, openArtifact, type HubOptions } from '../sources/index.js';
import type { FetchStats } from '../sources/hf/remote-source.js';
import { TOOL_VERSION } from '../version.js';
import { gateDecision, type GateOptions } from './gate.js';
import { buildResult } from './result.js';

/** What to scan and how: the one request every face (CLI, server, queue) builds. */
export interface ScanRequest extends HubOptions {
  /** Files and folders, or one Hugging Face repo (`hf:ORG/NAME[@REV]`, `hf://…`, a huggingface.co URL). */
  targets: string[];
  limits?: Partial<Limits>;
  /** Whole-file SHA-256 (default true). */
  hash?: boolean;
  /** Called when the entries are known, with their number, for progress bars. */
  onListing?: (entries: number) => void;
  /** Called after each file, for progress bars. */
  onProgress?: (done: number, path: string) => void;
  /** Sees every pickle stream read (for `modelgate inspect`). */
  observer?: ScanObserver;
  /** A policy to judge the result by, and what its lock and signature checks need. */
  policy?: LoadedPolicy;
  gate?: GateOptions;
}

/** A scan's report; for a Hub repo, also what its range reads and downloads cost. */
export interface ScanOutcome extends ScanResult {
  fetched?: FetchStats & { downloaded: number };
}

/** Scans every entry of an artifact in this thread, hashing local files alongside. */
async function scanArtifact(artifact: Artifact, limits: Limits, request: ScanRequest): Promise<FileResult[]> {
  const several = artifact.targets.length > 1;
  const files: FileResult[] = [];
  const hashes: Array<Promise<void>> = [];
  let done = 0;
  for (const entry of artifact.entries) {
    const result = await scanOne(artifact, entry, limits, request.observer);
    if (several) result.targetIndex = entry.targetIndex;
    files.push(result);
    if (request.hash === false) {
      delete result.sha256;
      delete result.sha256Source;
    } else if (artifact.hash && entry.kind === 'file' && result.format !== 'unreadable' && result.sha256 === undefined) {
      hashes.push(
        artifact.hash(entry).then((hex) => {
          if (hex === undefined) return;
          result.sha256 = hex;
          result.sha256Source = 'computed';
        }),
      );
    }
    request.onProgress?.(++done, entry.path);
    // Let hash results arrive while scanning goes on.
    if (done % 16 === 0) await new Promise((r) => setImmediate(r));
  }
  await Promise.all(hashes);
  return files;
}

/** Opens one entry, scans it, and closes it; an entry that cannot be opened is an error result. */
async function scanOne(artifact: Artifact, entry: ArtifactEntry, limits: Limits, observer?: ScanObserver): Promise<FileResult> {
  if (entry.kind !== 'file') return scanEntry(entry, undefined, limits, observer);
  let opened;
  try {
    opened = await artifact.open(entry);
  } catch (e) {
    const err = e as { message?: string; code?: string };
    return scanEntry(entry, { message: `${artifact.openFailure}: ${err.message ?? String(e)}`, code: err.code ?? 'UNREADABLE' }, limits);
  }
  try {
    const result = scanEntry(entry, opened, limits, observer);
    if (opened.sha256) {
      result.sha256 = opened.sha256;
      result.sha256Source = opened.sha256Source;
    }
    return result;
  } finally {
    opened.close();
  }
}

/**
 * The one scan every face runs: opens the artifact the targets name (local files and folders,
 * or one Hub repo at a commit), scans every entry with the kernel, adds the findings about the
 * artifact as a whole (a repo's name, redirects, revision), and applies the policy gate (lock,
 * signature) when a policy is given. Throws a ModelgateError for an unreadable target or a Hub
 * error (USAGE, UNREADABLE, HUB_*, NETWORK, OFFLINE).
 */
export async function runScan(request: ScanRequest): Promise<ScanOutcome> {
  const started = performance.now();
  await prepareEngine();
  const limits = withLimits(request.limits);
  const artifact = await openArtifact(request.targets, request);
  request.onListing?.(artifact.entries.length);
  let result: ScanOutcome;
  try {
    const files = await scanArtifact(artifact, limits, request);
    let findings: Finding[] = [];
    if (isHubArtifact(artifact)) {
      const target = artifact.targets[0];
      findings = repoFindings(target, artifact.snapshot, (repo, t) => typosquatFindings(repo, t, { env: request.env }));
    }
    result = buildResult(artifact.targets, files, findings, started);
    if (isHubArtifact(artifact)) {
      result.source = artifact.source;
      result.fetched = artifact.fetched();
    }
  } finally {
    await artifact.close();
  }
  result.tool.provenance = provenance(TOOL_VERSION, limits);
  if (request.policy) result.decision = await gateDecision(result, request.targets[0], request.policy, { env: request.env, transport: request.transport, ...request.gate });
  return result;
}
