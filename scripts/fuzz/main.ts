import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { CoverageDelta } from './coverage.js';
import { ScanHost } from './host.js';
import { fuzzTarget, type TargetStats } from './runner.js';
import { prepareFuzzScan } from './scan.js';
import { loadSeeds } from './seeds.js';
import { NOT_FUZZED, fuzzTargets, type FuzzTarget } from './targets.js';

/*
 * npm run fuzz -- FORMAT|all [--time S] [--runs N] [--seed N] [--timeout MS] [--out DIR]
 * npm run fuzz -- --list
 *
 * Coverage-guided mutation fuzzing of each parser of the format registry through the engine,
 * as the CLI scans a file. Findings go to --out (default /tmp/modelgate-fuzz/<format>/<kind>/);
 * the exit code is 1 when there is a crash, a hang or a damaged file read as clean.
 */

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

const USAGE = `usage: npm run fuzz -- FORMAT|all [--time SECONDS] [--runs N] [--seed N] [--timeout MS] [--out DIR] [--no-coverage]
       npm run fuzz -- --list`;

const pct = (part: number, whole: number): string => (whole === 0 ? '-' : `${((100 * part) / whole).toFixed(1)}%`);

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ')).join('\n');
}

/** What the scanning threads reported reaching, merged over every input and thread. */
class CoverageTotals {
  readonly covered = new Set<string>();
  readonly seen = new Set<string>();
  readonly bytes = new Map<string, Uint8Array>();
  readonly code = new Map<string, number>();

  /** Merges one input's delta; true when it reached a block no input reached before. */
  add(delta: CoverageDelta): boolean {
    for (const k of delta.seen) this.seen.add(k);
    for (const [file, { length, code }] of Object.entries(delta.lengths)) {
      const hit = this.bytes.get(file);
      if (!hit || hit.length < length) {
        const grown = new Uint8Array(length);
        if (hit) grown.set(hit);
        this.bytes.set(file, grown);
      }
      this.code.set(file, code);
    }
    for (const [file, spans] of Object.entries(delta.bytes)) {
      const hit = this.bytes.get(file);
      if (hit) for (const [start, end] of spans) hit.fill(1, start, end);
    }
    let fresh = false;
    for (const k of delta.covered) {
      if (this.covered.has(k)) continue;
      this.covered.add(k);
      fresh = true;
    }
    return fresh;
  }

  /**
   * Coverage of a target's files: V8 blocks reached of the blocks V8 has reported (a function
   * never run is one block, so this ratio flatters), and bytes of function code executed of all
   * function code in those files (the honest ratio: code never run counts in full).
   */
  of(target: FuzzTarget): { blocks: number; knownBlocks: number; bytes: number; totalBytes: number } {
    const mine = (key: string): boolean => target.files.some((f) => key.startsWith(f));
    const out = { blocks: 0, knownBlocks: 0, bytes: 0, totalBytes: 0 };
    for (const k of this.seen) if (mine(k)) out.knownBlocks++;
    for (const k of this.covered) if (mine(k)) out.blocks++;
    for (const [file, hit] of this.bytes) {
      if (!mine(file)) continue;
      out.totalBytes += this.code.get(file) ?? 0;
      for (const b of hit) out.bytes += b;
    }
    return out;
  }
}

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      list: { type: 'boolean' },
      time: { type: 'string' },
      runs: { type: 'string' },
      seed: { type: 'string', default: '1' },
      timeout: { type: 'string', default: '30000' },
      out: { type: 'string', default: '/tmp/modelgate-fuzz' },
      'no-coverage': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  await prepareFuzzScan();
  const targets = fuzzTargets();
  const seeds = loadSeeds(ROOT);
  if (values.list) {
    for (const t of targets)
      console.log(`${t.id.padEnd(18)} ${t.fileName.padEnd(18)} ${String(seeds.get(t.id)?.length ?? 0).padStart(3)} seeds  ${t.files.join(' ')}`);
    for (const [id, why] of Object.entries(NOT_FUZZED)) console.log(`${id.padEnd(18)} (not fuzzed: ${why})`);
    return 0;
  }
  const wanted = positionals[0];
  const chosen = wanted === 'all' ? targets : targets.filter((t) => t.id === wanted);
  if (chosen.length === 0) {
    console.error(wanted ? `no fuzz target ${wanted}; --list lists them` : USAGE);
    return 2;
  }
  const seconds = values.time === undefined ? (values.runs === undefined ? 60 : undefined) : Number(values.time);
  const runs = values.runs === undefined ? undefined : Number(values.runs);
  const out = resolve(values.out);
  const coverage = !values['no-coverage'];
  const host = new ScanHost(Number(values.timeout), coverage);
  const results: Array<TargetStats & { cov: ReturnType<CoverageTotals['of']> }> = [];
  try {
    for (const target of chosen) {
      // Each target's coverage is its own: what its inputs reached, not what earlier targets did.
      const totals = new CoverageTotals();
      host.reset();
      const stats = await fuzzTarget(
        target,
        seeds.get(target.id) ?? [],
        host,
        { seconds, runs, rngSeed: Number(values.seed), findingsDir: out, guided: coverage },
        (delta) => totals.add(delta),
      );
      const cov = totals.of(target);
      results.push({ ...stats, cov });
      console.log(
        `${target.id}: ${stats.runs} inputs in ${stats.seconds.toFixed(1)} s, code ${pct(cov.bytes, cov.totalBytes)}, blocks ${cov.blocks}/${cov.knownBlocks}, corpus ${stats.corpus}, ` +
          `crashes ${stats.crashes}, hangs ${stats.hangs}, clean-on-damaged ${stats.cleanOnDamaged}, review ${stats.review}`,
      );
      for (const f of stats.findings) console.log(`  ${f.kind} x${f.count}: ${f.signature}`);
    }
  } finally {
    await host.close();
  }
  const rows = [['parser', 'inputs', 'inputs/s', 'code', 'blocks', 'corpus', 'crashes', 'hangs', 'clean-on-damaged', 'review']];
  for (const r of results) {
    rows.push([
      r.target,
      String(r.runs),
      (r.runs / Math.max(r.seconds, 1e-9)).toFixed(0),
      coverage ? pct(r.cov.bytes, r.cov.totalBytes) : 'off',
      coverage ? `${r.cov.blocks}/${r.cov.knownBlocks}` : 'off',
      String(r.corpus),
      String(r.crashes),
      String(r.hangs),
      String(r.cleanOnDamaged),
      String(r.review),
    ]);
  }
  console.log(`\n${table(rows)}\n`);
  console.log('code: bytes of function code in the parser files (as V8 runs them) executed by some input; blocks: V8 blocks reached / blocks V8 reported.');
  console.log(`findings (if any): ${out}/<format>/<kind>/`);
  return results.some((r) => r.crashes + r.hangs + r.cleanOnDamaged > 0) ? 1 : 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    console.error(e);
    process.exitCode = 2;
  },
);
