import { spawnSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runScan } from '../src/app/index.js';
import { scanInChild } from './scan-child.js';
import { SHAPES, benchPickle } from './pickle-shapes/shapes.js';

/**
 * The "pickle" section (issue 16): each shape of bench/pickle-shapes, written to a file and
 * 1. scanned in this process as the scanner does it (`runScan`, no hashing, no worker thread),
 *    once to warm up and then SPEED_RUNS times: MB/s and opcodes/s;
 * 2. listed by CPython's `pickletools.genops` in a python3 child, when there is one (the best
 *    of GENOPS_REPEATS in one process): the ratio is genops' time over ours;
 * 3. scanned by the built CLI in a child, RSS_RUNS times: peak RSS against the bound of
 *    RSS_BASE_MB plus the file's size.
 * Every figure is min / median / max over the runs.
 */

const SPEED_RUNS = 5;
const GENOPS_REPEATS = 3;
const RSS_RUNS = 3;
/** Issue 16's memory target: 150 MB plus one times the pickle's size. */
const RSS_BASE_MB = 150;
/** Issue 16's speed target, in multiples of genops. */
const TARGET_RATIO = 30;
const MB = 1024 * 1024;

export interface Spread {
  min: number;
  median: number;
  max: number;
}

export function spread(values: number[]): Spread {
  const sorted = [...values].sort((a, b) => a - b);
  return { min: sorted[0]!, median: sorted[Math.floor(sorted.length / 2)]!, max: sorted[sorted.length - 1]! };
}

export function showSpread(s: Spread, digits = 0): string {
  return [s.min, s.median, s.max].map((v) => (Number.isFinite(v) ? v.toFixed(digits) : '?')).join(' / ');
}

const GENOPS = `
import pickletools, sys, time
data = open(sys.argv[1], "rb").read()
best, count = float("inf"), 0
for _ in range(int(sys.argv[2])):
    t = time.perf_counter()
    n = 0
    for _ in pickletools.genops(data):
        n += 1
    best, count = min(best, time.perf_counter() - t), n
print(best * 1000, count)
`;

/** genops' best time in ms and its opcode count, or undefined without a python3. */
function genops(path: string): { ms: number; opcodes: number } | undefined {
  const py = spawnSync('python3', ['-c', GENOPS, path, String(GENOPS_REPEATS)], { encoding: 'utf8', timeout: 600_000 });
  if (py.error || py.status !== 0) return undefined;
  const [ms, opcodes] = py.stdout.trim().split(/\s+/).map(Number);
  return { ms: ms!, opcodes: opcodes! };
}

/** The verdict of one in-process scan, with the codes of its fatal findings. */
async function timedScan(path: string): Promise<{ ms: number; verdict: string }> {
  const t = performance.now();
  const r = await runScan({ targets: [path], hash: false, workers: 0 });
  const ms = performance.now() - t;
  const f = r.files[0]!;
  const codes = f.findings.filter((x) => x.fatal).map((x) => x.code ?? '?');
  return { ms, verdict: [f.verdict, ...codes].join(' ') };
}

/**
 * One row: the pickle `bytes` (of `opcodes` opcodes) scanned, listed by genops, and scanned by
 * the CLI; an unjudged row (the baseline) has no ratio to meet.
 */
async function benchShape(dir: string, title: string, bytes: Buffer, opcodes: number, judged = true): Promise<string> {
  const path = join(dir, 'shape.pkl');
  writeFileSync(path, bytes);
  const size = bytes.length;

  const first = await timedScan(path);
  const times: number[] = [];
  const verdicts = new Set<string>([first.verdict]);
  for (let run = 0; run < SPEED_RUNS; run++) {
    const r = await timedScan(path);
    times.push(r.ms);
    verdicts.add(r.verdict);
  }
  const ms = spread(times);
  const mbs = spread(times.map((t) => size / MB / (t / 1000)));
  const ops = spread(times.map((t) => opcodes / 1e6 / (t / 1000)));

  const py = genops(path);
  if (py && py.opcodes !== opcodes) throw new Error(`${title}: genops counts ${py.opcodes} opcodes, the generator wrote ${opcodes}`);
  const ratio = py && spread(times.map((t) => py.ms / t));

  const children = Array.from({ length: RSS_RUNS }, () => scanInChild(dir, path));
  const rss = spread(children.map((c) => c.rssMb));
  const bound = RSS_BASE_MB + size / MB;
  for (const c of children) verdicts.add([c.verdict, ...c.codes].join(' '));
  rmSync(path);

  // Speed is judged on the median run (one slow run is this VM's noise); memory on the worst.
  const fast = !judged ? '–' : ratio ? (ratio.median >= TARGET_RATIO ? 'yes' : 'NO') : '?';
  const lean = rss.max <= bound ? 'yes' : 'NO';
  return `| ${title} | ${size < MB / 10 ? `${size} B` : (size / MB).toFixed(1)} | ${(opcodes / 1e6).toFixed(2)} M | ${[...verdicts].join('; ')} | ${showSpread(ms, judged ? 0 : 2)} | ${showSpread(mbs, 1)} | ${showSpread(ops, 2)} | ${py ? py.ms.toFixed(judged ? 0 : 2) : ''} | ${ratio && judged ? showSpread(ratio, 1) : ''} | ${showSpread(rss)} | ${bound.toFixed(0)} | ${fast} / ${lean} |`;
}

/** A trivial loop, to compare machines (this VM's speed drifts within a session). */
export function calibration(): [string, string, string] {
  const t = performance.now();
  let x = 0;
  for (let i = 0; i < 1e8; i++) x += i & 7;
  return ['machine calibration: 1e8 iterations of `x += i & 7`', `${(performance.now() - t).toFixed(0)} ms`, x > 0 ? 'compare machines with this' : ''];
}

/** The table of the pickle shapes (all, or those named by `--shape`). */
export async function benchPickleShapes(dir: string, only: readonly string[]): Promise<string[]> {
  const lines = [
    `Pickle shapes: in-process scan ms over ${SPEED_RUNS} runs after a warm-up (no hashing, no worker); genops = CPython pickletools.genops, best of ${GENOPS_REPEATS}; peak RSS of the CLI over ${RSS_RUNS} runs; figures min / median / max. Targets: ≥ ${TARGET_RATIO}× genops (median), peak RSS ≤ ${RSS_BASE_MB} MB + size (max).`,
    '',
    `| shape | MB | opcodes | verdict | scan ms | MB/s | M opcodes/s | genops ms | × genops | peak RSS MB | RSS bound MB | ≥ ${TARGET_RATIO}× / within RSS |`,
    '|---|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  // The fixed cost of one scan (opening the file, the engine, the report), for scale.
  lines.push(await benchShape(dir, 'baseline: a 4-byte pickle, `{}`', Buffer.from([0x80, 2, 0x7d, 0x2e]), 3, false));
  for (const shape of SHAPES) {
    if (only.length > 0 && !only.includes(shape.name)) continue;
    process.stderr.write(`pickle shape ${shape.name}…\n`);
    const pickler = benchPickle(shape);
    lines.push(await benchShape(dir, shape.title, pickler.bytes(), pickler.opcodes));
  }
  return lines;
}
