import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ScanHost } from '../../scripts/fuzz/host.js';
import { fuzzTarget, type TargetStats } from '../../scripts/fuzz/runner.js';
import { prepareFuzzScan } from '../../scripts/fuzz/scan.js';
import { loadSeeds, type Seed } from '../../scripts/fuzz/seeds.js';
import { fuzzTargets } from '../../scripts/fuzz/targets.js';

/*
 * A short, deterministic fuzz pass over every parser of the format registry, with the
 * fuzzer's oracle: no untyped error, no scan past its time, no truncated model file read as
 * clean. Fixed seeds and no coverage feedback, so a run makes the same inputs every time; the
 * long coverage-guided runs are `npm run fuzz` (README "Fuzzing").
 */

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** Mutated inputs per parser: enough to pass through every seed's structure a few times. */
const RUNS = 300;
/** HDF5 files are read by libhdf5 in a thread of its own, a few per second. */
const SLOW_RUNS: Record<string, number> = { hdf5: 12, zip: 100 };
/** Committed seeds per parser, smallest first, besides the builders' own. */
const FILE_SEEDS = 3;
/** Above the engine's own longest budget (libhdf5's 20 s per file): past it a scan hangs. */
const TIMEOUT_MS = 25_000;

/**
 * The smoke pass's seeds: the builders' files and the smallest committed ones. Left out:
 * loops-forever.h5, made to run libhdf5 into the engine's 20 s watchdog (a test of its own in
 * test/formats/keras), which would spend the whole budget waiting.
 */
function smokeSeeds(all: readonly Seed[]): Seed[] {
  const builders = all.filter((s) => s.origin.startsWith('builder:'));
  const files = all
    .filter((s) => !s.origin.startsWith('builder:') && !s.origin.endsWith('loops-forever.h5'))
    .sort((a, b) => a.bytes.length - b.bytes.length)
    .slice(0, FILE_SEEDS);
  return [...builders, ...files];
}

describe('fuzz smoke pass', () => {
  const host = new ScanHost(TIMEOUT_MS, false);
  let seeds: Map<string, Seed[]>;
  beforeAll(async () => {
    await prepareFuzzScan();
    seeds = loadSeeds(ROOT);
  });
  afterAll(() => host.close());

  for (const [n, target] of fuzzTargets().entries()) {
    it(`${target.id}: no crash, hang or damaged file read as clean`, async () => {
      const stats: TargetStats = await fuzzTarget(
        target,
        smokeSeeds(seeds.get(target.id) ?? []),
        host,
        { runs: SLOW_RUNS[target.id] ?? RUNS, rngSeed: 1000 + n, guided: false },
        () => false,
      );
      const bad = stats.findings.filter((f) => f.kind !== 'review').map((f) => `${f.kind}: ${f.reason}\n(made from ${f.origin})`);
      expect(bad).toEqual([]);
      expect(stats.runs).toBe(SLOW_RUNS[target.id] ?? RUNS);
    }, 120_000);
  }
});
