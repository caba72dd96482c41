import type { Artifact, ArtifactEntry, EntrySpec } from '../core/artifact.js';
import { ModelgateError } from '../core/errors.js';
import { verdictOf, type Finding } from '../core/finding.js';
import { withLimits, type Limits } from '../core/limits.js';
import type { FileResult, ScanResult } from '../core/report-types.js';
import { FILE_CHANGED } from '../detectors/container/index.js';
import { ruleFinding } from '../detectors/finding.js';
import { HASH_MISMATCH } from '../detectors/repo/index.js';
import type { ScanObserver } from '../engine/index.js';
import type { LoadedPolicy } from './policy/index.js';
import { isHubArtifact, openArtifact, type HubOptions } from '../sources/index.js';
import type { FetchStats } from '../sources/hf/remote-source.js';
import { TOOL_VERSION } from './version.js';
import type { GateOptions } from './gate.js';
import { buildResult } from './result.js';
import { newArtifactId, ScanPool, sharedPool, type ArtifactLink } from './scan-pool.js';
import { workersPermitted } from './threads.js';

/** What to scan and how: the one request every face (CLI, server, queue) builds. */
export interface ScanRequest extends HubOptions {
  /** Files and folders, or one Hugging Face repo (`hf:ORG/NAME[@REV]`, `hf://…`, a huggingface.co URL). */
  targets: string[];
  limits?: Partial<Limits>;
  /** Whole-file SHA-256 (default true). */
  hash?: boolean;
  /** Globs of local files left out of the scan and the report (core/glob.ts); a file target is never left out. */
  exclude?: readonly string[];
  /** Called when the entries are known, with their number, for progress bars. */
  onListing?: (entries: number) => void;
  /** Called after each file, for progress bars. */
  onProgress?: (done: number, path: string) => void;
  /** Sees every pickle stream read (for `modelgate inspect`). */
  observer?: ScanObserver;
  /**
   * Scan workers (threads): default one per core; 0 scans in the calling thread, which a
   * request with an `observer` always does (the observer is a function of this thread).
   */
  workers?: number;
  /**
   * The caller scans once and exits (the CLI): with `workers` unset, a few small local files are
   * scanned in this thread, sooner than a worker starts. A long-running caller (the registry,
   * a queue) keeps its pool and its event loop free, and leaves this unset.
   */
  oneShot?: boolean;
  /**
   * An artifact the caller has already opened for `targets` (and will close), for use cases
   * that read more of it after the scan (a BOM reads the card; a signature a checkout).
   */
  artifact?: Artifact;
  /** A policy to judge the result by, and what its lock and signature checks need. */
  policy?: LoadedPolicy;
  gate?: GateOptions;
}

/** A scan's report; for a Hub repo, also what its range reads and downloads cost. */
export interface ScanOutcome extends ScanResult {
  fetched?: FetchStats & { downloaded: number };
}

/**
 * The kernel, loaded on first use: a scan whose files all go to the pool's workers (which load
 * their own) needs it in this thread only for the provenance at the end, so its loading here
 * overlaps theirs (issue 16: start-up). The same is done for the Hub's findings and the gate.
 */
type Engine = typeof import('../engine/index.js');
const loadEngine = (): Promise<Engine> => import('../engine/index.js');

/** How many entries are opened and scanned at once: enough to keep every worker busy. */
const IN_FLIGHT_PER_WORKER = 2;

/**
 * Scans every entry of an artifact, in the pool's workers or in this thread, hashing local
 * files alongside. Results keep the artifact's entry order.
 */
async function scanArtifact(
  artifact: Artifact,
  limits: Limits,
  request: ScanRequest,
  pool: RunPool | undefined,
  engine: Promise<Engine>,
): Promise<FileResult[]> {
  const several = artifact.targets.length > 1;
  const entries = artifact.entries;
  const files: FileResult[] = new Array(entries.length);
  const hash = request.hash !== false;
  let done = 0;
  const finish = (i: number, entry: ArtifactEntry, result: FileResult): void => {
    if (several) result.targetIndex = entry.targetIndex;
    // A file of a Hugging Face cache snapshot: its repo, revision and repo path.
    if (entry.hfCache) result.hfCache = entry.hfCache;
    files[i] = result;
    if (!hash) {
      delete result.sha256;
      delete result.sha256Source;
    }
    request.onProgress?.(++done, entry.path);
  };
  if (!pool) {
    for (const [i, entry] of entries.entries()) {
      finish(i, entry, await scanOne(artifact, entry, limits, hash, engine, request.observer));
    }
  } else {
    let next = 0;
    const lane = async (): Promise<void> => {
      while (next < entries.length) {
        const i = next++;
        const entry = entries[i]!;
        finish(i, entry, await scanOne(artifact, entry, limits, hash, engine, undefined, pool));
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, pool.capacity * IN_FLIGHT_PER_WORKER) }, lane));
  }
  return files;
}

/** The fatal finding for a file written to during its scan. */
function fileChanged(path: string, change: string): Finding {
  return ruleFinding(FILE_CHANGED, path, {
    message: `the file changed while it was scanned (${change}): what was judged and what was hashed may differ; scan it again once it is still`,
    fatal: true,
    code: 'CHANGED',
  });
}

/** The name huggingface_hub gives the blob of an LFS file: its SHA-256 (a git blob id has 40 digits). */
const SHA256_NAME = /^[0-9a-f]{64}$/;

/** The finding for a Hugging Face cache blob whose bytes are not the ones its name (their SHA-256) says. */
function blobMismatch(path: string, blob: string, digest: string): Finding {
  return ruleFinding(HASH_MISMATCH, path, {
    message: `${path}: the cached blob is named by the SHA-256 the Hub published for it, ${blob}, but its bytes hash to ${digest}: it was changed after it was downloaded`,
    evidence: `expected ${blob}, got ${digest}`,
  });
}

/** Opens of one artifact, one after another in entry order (downloads, progress bars), while scans overlap. */
const openQueues = new WeakMap<Artifact, Promise<unknown>>();

function opening(artifact: Artifact, entry: ArtifactEntry): ReturnType<Artifact['open']> {
  const previous = openQueues.get(artifact) ?? Promise.resolve();
  const opened = previous.then(() => artifact.open(entry));
  openQueues.set(
    artifact,
    opened.catch(() => undefined),
  );
  return opened;
}

/**
 * Opens one entry, scans it (in a worker when there is a pool and the entry can be described
 * to one), and closes it. An entry that cannot be opened, or whose worker died, is an error
 * result: never clean.
 */
async function scanOne(
  artifact: Artifact,
  entry: ArtifactEntry,
  limits: Limits,
  hash: boolean,
  engine: Promise<Engine>,
  observer?: ScanObserver,
  pool?: RunPool,
): Promise<FileResult> {
  if (entry.kind !== 'file') return (await engine).scanEntry(entry, undefined, limits, observer);
  let opened;
  try {
    opened = await opening(artifact, entry);
  } catch (e) {
    const err = e as { message?: string; code?: string };
    return (await engine).scanEntry(entry, { message: `${artifact.openFailure}: ${err.message ?? String(e)}`, code: err.code ?? 'UNREADABLE' }, limits);
  }
  try {
    // Hashed through the descriptor the scan reads, alongside the scan (in the hash pool's threads).
    const hashing =
      hash && opened.hash && opened.sha256 === undefined
        ? opened.hash().then(
            (hex) => hex,
            (e: unknown) => e as Error,
          )
        : undefined;
    let result: FileResult;
    if (pool && opened.spec) {
      try {
        result = await pool.run(entry, opened.spec, opened.problems, limits);
      } catch (e) {
        result = (await engine).scanEntry(entry, { message: `the scan of this file did not finish: ${(e as Error).message}`, code: 'UNREADABLE' }, limits);
        result.findings.unshift(...opened.problems);
        result.verdict = verdictOf(result.findings);
      }
    } else {
      result = (await engine).scanEntry(entry, opened, limits, observer);
    }
    if (opened.sha256) {
      result.sha256 = opened.sha256;
      result.sha256Source = opened.sha256Source;
    }
    const digest = await hashing;
    // A file that could be scanned but not hashed keeps its findings and has no sha256.
    if (typeof digest === 'string') {
      result.sha256 = digest;
      result.sha256Source = 'computed';
      const blob = entry.hfCache?.blob;
      if (blob !== undefined && SHA256_NAME.test(blob) && blob !== digest) {
        result.findings.push(blobMismatch(entry.path, blob, digest));
        result.verdict = verdictOf(result.findings);
      }
    }
    const change = opened.changed?.();
    if (change !== undefined) {
      // The bytes judged and the bytes hashed may differ: neither is reported as the file's.
      delete result.sha256;
      delete result.sha256Source;
      result.findings.push(fileChanged(entry.path, change));
      result.verdict = verdictOf(result.findings);
    }
    return result;
  } finally {
    opened.close();
  }
}

/** Where one run's entries are scanned: a pool, and the link that tells its workers the artifact. */
interface RunPool {
  capacity: number;
  run(entry: ArtifactEntry, spec: EntrySpec, problems: Finding[], limits: Limits): Promise<FileResult>;
  /** Stops a pool made for this run alone (the shared pool stays). */
  close(): Promise<void>;
}

/**
 * The pool a request asks for: the process's shared pool by default, a pool of its own when it
 * names a size, none (this thread) for 0, an observer, or a permission model that allows no worker
 * (`node --experimental-permission` without `--allow-worker`).
 */
function poolFor(artifact: Artifact, request: ScanRequest): RunPool | undefined {
  if (request.observer || request.workers === 0 || !workersPermitted()) return undefined;
  if (!artifact.entries.some((e) => e.kind === 'file')) return undefined;
  // A few small local files (a pre-commit hook's, a CI step's) scan sooner here than a worker
  // starts: a worker is a thread that loads the kernel again, about 100 ms; asked for by number,
  // workers are used whatever the size.
  if (request.oneShot && request.workers === undefined && !isHubArtifact(artifact) && smallWork(artifact.entries)) return undefined;
  const own = request.workers === undefined ? undefined : new ScanPool(request.workers);
  const pool = own ?? sharedPool();
  const hub = isHubArtifact(artifact) ? artifact : undefined;
  const link: ArtifactLink = { id: newArtifactId(), listing: artifact.listing, line: hub && (() => hub.line()), onFetched: hub && ((s) => hub.addFetched(s)) };
  return {
    capacity: pool.size,
    run: (entry, spec, problems, limits) => pool.scan(entry, spec, problems, limits, link),
    close: async () => own?.close(),
  };
}

/** Bytes of local files scanned in the calling thread rather than by starting workers. */
const SMALL_WORK_BYTES = 8 * 1024 * 1024;
/** Files, at most, of such a scan (each costs a little fixed time of its own). */
const SMALL_WORK_FILES = 64;

/** True when the entries are few and small enough that starting workers would cost more than it saves. */
function smallWork(entries: readonly ArtifactEntry[]): boolean {
  if (entries.length > SMALL_WORK_FILES) return false;
  let bytes = 0;
  for (const e of entries) bytes += e.size;
  return bytes <= SMALL_WORK_BYTES;
}

/**
 * The target a policy judges (its lock and signature are of the first): with no target at all
 * the gate would have nothing to check and would pass a scan of nothing, so that is refused.
 */
function judgedTarget(targets: readonly string[]): string {
  const [target] = targets;
  if (target === undefined) throw new ModelgateError('USAGE', 'a policy judges a target: give at least one to scan');
  return target;
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
  const judge = request.policy && { policy: request.policy, target: judgedTarget(request.targets) };
  const limits = withLimits(request.limits);
  const engine = loadEngine();
  // Awaited below or by the scans; a failure to load surfaces there, not as an unhandled rejection.
  engine.catch(() => undefined);
  const artifact = request.artifact ?? (await openArtifact(request.targets, request));
  request.onListing?.(artifact.entries.length);
  let result: ScanOutcome;
  const pool = poolFor(artifact, request);
  try {
    // The kernel in this thread needs the Python parser loaded; workers load their own.
    if (!pool) await (await engine).prepareEngine();
    // The rules the provenance lists load while the workers scan (a caller in this thread loads them as it scans).
    const rules = pool ? engine.then((e) => e.prepareProvenance()) : undefined;
    rules?.catch(() => undefined);
    const files = await scanArtifact(artifact, limits, request, pool, engine);
    await rules;
    let findings: Finding[] = [];
    if (isHubArtifact(artifact)) {
      const target = artifact.targets[0];
      const [{ repoFindings }, { typosquatFindings }] = await Promise.all([import('../detectors/repo/repo-findings.js'), import('./names/index.js')]);
      findings = repoFindings(target, artifact.snapshot, (repo, t) => typosquatFindings(repo, t, { env: request.env }));
    }
    result = buildResult(artifact.targets, files, findings, started);
    if (artifact.excluded !== undefined && artifact.excluded.length > 0) result.excluded = [...artifact.excluded];
    if (isHubArtifact(artifact)) {
      result.source = artifact.source;
      result.fetched = artifact.fetched();
    }
  } finally {
    await pool?.close();
    // An artifact the caller opened is the caller's to close.
    if (!request.artifact) await artifact.close();
  }
  result.tool.provenance = (await engine).provenance(TOOL_VERSION, limits);
  if (judge)
    result.decision = await (
      await import('./gate.js')
    ).gateDecision(result, judge.target, judge.policy, { env: request.env, transport: request.transport, ...request.gate });
  return result;
}
