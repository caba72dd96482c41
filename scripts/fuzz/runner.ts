import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CoverageDelta } from './coverage.js';
import type { ScanHost } from './host.js';
import { mutate } from './mutate.js';
import { judge, isModelOf, type FindingKind, type OracleFinding } from './oracle.js';
import { Rng } from './rng.js';
import type { Seed } from './seeds.js';
import type { FuzzTarget } from './targets.js';

/** How long one target runs, and where its findings go. */
export interface RunOptions {
  /** Wall-clock budget in seconds (the run stops at whichever of seconds and runs comes first). */
  seconds?: number;
  /** Mutated inputs to run. */
  runs?: number;
  /** Seed of the random generator: the same seed, seeds and code make the same inputs. */
  rngSeed: number;
  /** Folder for findings (`<dir>/<target>/<kind>/<sha1>.bin` and `.txt`); none when undefined. */
  findingsDir?: string;
  /** Keep an input in the working corpus when it reaches a new block (needs a coverage host). */
  guided: boolean;
}

/** One finding of a run, with the input that shows it. */
export interface RunFinding extends OracleFinding {
  input: Buffer;
  origin: string;
  /** How many inputs showed this signature. */
  count: number;
}

/** Per-target numbers, as the fuzzer prints them. */
export interface TargetStats {
  target: string;
  seeds: number;
  runs: number;
  seconds: number;
  corpus: number;
  crashes: number;
  hangs: number;
  cleanOnDamaged: number;
  review: number;
  findings: RunFinding[];
}

interface CorpusEntry {
  bytes: Buffer;
  /**
   * Trailing bytes the seed's reading does not need (padding after the last blob, data after
   * the last stream): cutting them keeps the file whole, so only cuts before them damage it.
   */
  slack?: number;
  /** The seed this entry descends from: its format and whether it is a model file. */
  root: { model: boolean; format: string; origin: string };
}

/** A strict prefix of a model seed, made this often: the sharpest damage oracle there is. */
const TRUNCATION_SHARE = 0.1;
/** A seed slower than this is scanned once but not mutated. */
const SLOW_SEED_MS = 2_000;
/** Trailing bytes probed for slack; a seed with more is not used for the truncation oracle. */
const MAX_SLACK = 64;

/**
 * Fuzzes one target: runs each seed, then mutants of the working corpus (seeds and the
 * inputs that reached new blocks), holding every outcome to the oracle. `onNew` hears of
 * blocks reached first, for the caller's coverage numbers.
 */
export async function fuzzTarget(
  target: FuzzTarget,
  seeds: readonly Seed[],
  host: ScanHost,
  options: RunOptions,
  onNew: (delta: CoverageDelta) => boolean,
): Promise<TargetStats> {
  const rng = new Rng(options.rngSeed);
  const started = performance.now();
  const stats: TargetStats = {
    target: target.id,
    seeds: seeds.length,
    runs: 0,
    seconds: 0,
    corpus: 0,
    crashes: 0,
    hangs: 0,
    cleanOnDamaged: 0,
    review: 0,
    findings: [],
  };
  const bySignature = new Map<string, RunFinding>();
  const corpus: CorpusEntry[] = [];
  const models: CorpusEntry[] = [];

  const record = (f: OracleFinding, input: Buffer, origin: string): void => {
    const counter = ({ crash: 'crashes', hang: 'hangs', 'clean-on-damaged': 'cleanOnDamaged', review: 'review' } as const)[f.kind];
    stats[counter]++;
    const known = bySignature.get(`${f.kind} ${f.signature}`);
    if (known) {
      known.count++;
      return;
    }
    const finding: RunFinding = { ...f, input, origin, count: 1 };
    bySignature.set(`${f.kind} ${f.signature}`, finding);
    stats.findings.push(finding);
    if (options.findingsDir) save(options.findingsDir, target, f.kind, finding);
  };

  /** Runs one input; returns its outcome's format and whether it reached new blocks. */
  const run = async (
    bytes: Buffer,
    origin: string,
    parent: CorpusEntry['root'] & { truncated: boolean },
  ): Promise<{ format?: string; model?: boolean; verdict?: string; ms?: number; fresh: boolean }> => {
    const result = await host.scan(bytes, target.fileName);
    if (result.kind === 'hang') {
      record({ kind: 'hang', signature: `hang from ${parent.format}`, reason: `the scan did not finish in ${Math.round(result.ms)} ms` }, bytes, origin);
      return { fresh: false };
    }
    if (result.kind === 'died') {
      record({ kind: 'crash', signature: `thread died: ${result.message}`, reason: `the scanning thread died: ${result.message}` }, bytes, origin);
      return { fresh: false };
    }
    for (const f of judge(target, result.outcome, parent, bytes.length)) record(f, bytes, origin);
    const fresh = result.coverage ? onNew(result.coverage) : false;
    return { format: result.outcome.format, model: isModelOf(target, result.outcome), verdict: result.outcome.verdict, ms: result.outcome.ms, fresh };
  };

  /** How many trailing bytes of a clean model seed can go with the file still clean (see `slack`). */
  const slackOf = async (entry: CorpusEntry): Promise<number | undefined> => {
    for (let slack = 0; slack < Math.min(MAX_SLACK, entry.bytes.length - 1); slack++) {
      const result = await host.scan(entry.bytes.subarray(0, entry.bytes.length - slack - 1), target.fileName);
      // Coverage is told of every input, or what it reached would be lost to the numbers.
      if (result.kind === 'done' && result.coverage) onNew(result.coverage);
      if (result.kind !== 'done' || result.outcome.verdict !== 'clean' || result.outcome.format !== entry.root.format) return slack;
    }
    return undefined;
  };

  const timeUp = (): boolean =>
    (options.seconds !== undefined && performance.now() - started >= options.seconds * 1000) || (options.runs !== undefined && stats.runs >= options.runs);

  for (const seed of seeds) {
    const outcome = await run(seed.bytes, seed.origin, { model: false, format: 'seed', origin: seed.origin, truncated: false });
    // A seed that takes seconds (made to run a library into the engine's own watchdog) would
    // spend the run on its mutants: it is checked once and not mutated.
    if (outcome.ms === undefined || outcome.ms > SLOW_SEED_MS) continue;
    const entry: CorpusEntry = { bytes: seed.bytes, root: { model: outcome.model ?? false, format: outcome.format ?? 'unknown', origin: seed.origin } };
    corpus.push(entry);
    if (entry.root.model && target.declaresExtent && outcome.verdict === 'clean') {
      entry.slack = await slackOf(entry);
      if (entry.slack !== undefined && entry.slack < seed.bytes.length - 1) models.push(entry);
    }
  }
  const pool = corpus.map((c) => c.bytes);
  while (!timeUp() && corpus.length > 0) {
    stats.runs++;
    if (models.length > 0 && rng.chance(TRUNCATION_SHARE)) {
      const seed = rng.pick(models);
      const cut = 1 + rng.below(seed.bytes.length - 1 - seed.slack!);
      await run(seed.bytes.subarray(0, cut), `${seed.root.origin} cut at ${cut}`, { ...seed.root, truncated: true });
      continue;
    }
    const parent = rng.pick(corpus);
    const { bytes, names } = mutate(parent.bytes, rng, pool);
    const outcome = await run(bytes, `${parent.root.origin} + ${names.join(',')}`, { ...parent.root, truncated: false });
    if (options.guided && outcome.fresh) {
      corpus.push({ bytes, root: parent.root });
      pool.push(bytes);
    }
  }
  stats.corpus = corpus.length;
  stats.seconds = (performance.now() - started) / 1000;
  return stats;
}

function save(dir: string, target: FuzzTarget, kind: FindingKind, f: RunFinding): void {
  const folder = join(dir, target.id, kind);
  mkdirSync(folder, { recursive: true });
  const name = createHash('sha1').update(f.input).digest('hex').slice(0, 16);
  writeFileSync(join(folder, `${name}.bin`), f.input);
  writeFileSync(join(folder, `${name}.txt`), `${f.signature}\n\nscanned as: ${target.fileName}\nmade from: ${f.origin}\n\n${f.reason}\n`);
}
