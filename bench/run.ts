/**
 * `npm run bench`: speed and memory, printed as a table (never asserted in tests).
 * 1. pickle: the shapes of bench/pickle-shapes (ints, strings, a dict of small lists, numpy,
 *    a forest, a DataFrame, a torch data.pkl, deep nesting, protocol 0, memo reuse), each as
 *    MB/s, opcodes/s, × pickletools.genops and peak RSS (bench/pickle.ts); `-- pickle --shape
 *    dict` runs one;
 * 2. a PyTorch zip with 2 GB of tensor data vs one with 2 MB, scanned without hashing, in a
 *    child process whose peak RSS is measured;
 * 3. SHA-256 of a large file through the hash pool vs node:crypto in memory, and many files;
 * 4. the whole labelled corpus (eval/corpus) on 1 and 2 scan workers, same verdicts in the same order;
 * 5. an hf: scan of a multi-GB repo on a fixture hub: bytes fetched by range reads vs its size;
 * 6. convert: a 3 GiB torch zip to safetensors next to a plain copy of the file;
 * 7. backdoor screening of the models of eval/backdoor;
 * 8. the registry server: API latency under load from another process, submissions per second,
 *    a 2 GB checkpoint from submission to verdict;
 * 9. bombs: decompression and pickle-memory bombs, each scanned in a child whose time and peak
 *    RSS are measured (targets: 5 s, 200 MB, a limit finding);
 * 10. startup: `node -e 0`, `modelgate --version` and a scan of a 20-byte pickle (sandboxed and
 *    not), and picklescan's when it is on PATH, each run several times (target: `node -e 0` +
 *    100 ms, or picklescan's time).
 * `npm run bench -- convert hash` runs only the sections named (pickle, torch-zip, hash,
 * corpus, hub, convert, backdoor, registry, bombs, startup); an unknown name is an error.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { HashPool } from '../src/sources/index.js';
import type { runScan } from '../src/app/index.js';
import { benchBackdoor } from './backdoor.js';
import { benchBombs } from './bombs.js';
import { benchConvert } from './convert.js';
import { benchHub } from './hub.js';
import { benchPickleShapes, calibration, showSpread, spread } from './pickle.js';
import { SHAPES } from './pickle-shapes/shapes.js';
import { benchRegistry } from './registry.js';
import { benchStartup } from './startup.js';
import { writeTorchZip } from './torch-zip.js';

const MB = 1024 * 1024;
const rows: Array<[string, string, string]> = [];
/** Sections with columns of their own (the pickle shapes) print a table each, after the rows. */
const tables: string[][] = [];
const dir = mkdtempSync(join(tmpdir(), 'mg-bench-'));

function scanInChild(path: string): { ms: number; rssMb: number; verdict: string } {
  const code = `
    const { scan } = await import(${JSON.stringify(resolve('dist/app/index.js'))});
    const t = performance.now();
    const r = await scan([${JSON.stringify(path)}], { hash: false });
    const ms = performance.now() - t;
    // VmHWM, not getrusage: Linux keeps ru_maxrss across exec, so a child of a big parent
    // would report the parent's peak.
    const hwm = Number(/VmHWM:\\s+(\\d+)/.exec((await import('node:fs')).readFileSync('/proc/self/status', 'utf8'))[1]);
    console.log(JSON.stringify({ ms, rssMb: hwm / 1024, verdict: r.files[0].verdict }));`;
  // A script file, not `-e`: under `--input-type=module -e` the engine's HDF5 worker never
  // starts and every scan would wait out its 60 s start-up limit.
  const script = join(dir, 'scan-child.mjs');
  writeFileSync(script, code);
  const out = spawnSync(process.execPath, [script], { encoding: 'utf8' });
  if (out.status !== 0) throw new Error(out.stderr);
  return JSON.parse(out.stdout.trim().split('\n').pop() as string);
}

function benchTorchZip(): void {
  const small = join(dir, 'small.pt');
  const big = join(dir, 'big.pt');
  writeTorchZip(small, 16, 128 * 1024);
  writeTorchZip(big, 16, 128 * MB);
  for (const [label, path] of [
    ['PyTorch zip, 2 MB of tensors', small],
    ['PyTorch zip, 2 GB of tensors', big],
  ] as const) {
    const r = scanInChild(path);
    rows.push([`${label}, --no-hash`, `${r.ms.toFixed(0)} ms`, `peak RSS ${r.rssMb.toFixed(0)} MB (whole process; target < 150 MB); verdict ${r.verdict}`]);
  }
  rmSync(big);
}

async function benchHash(): Promise<void> {
  const buf = Buffer.alloc(512 * MB, 7);
  let memRate = 0;
  for (let run = 0; run < 3; run++) {
    const t = performance.now();
    createHash('sha256').update(buf).digest('hex');
    memRate = Math.max(memRate, buf.length / MB / ((performance.now() - t) / 1000));
  }
  const file = join(dir, 'hash.bin');
  writeFileSync(file, buf);
  const one = new HashPool(1);
  let fileRate = 0;
  for (let run = 0; run < 3; run++) {
    const t = performance.now();
    await one.hash(file);
    fileRate = Math.max(fileRate, buf.length / MB / ((performance.now() - t) / 1000));
  }
  await one.close();
  rows.push(['SHA-256 in memory (node:crypto)', `${memRate.toFixed(0)} MB/s`, 'one core']);
  rows.push([
    'SHA-256 of a 512 MB file (hash pool, 1 thread)',
    `${fileRate.toFixed(0)} MB/s`,
    `${((fileRate / memRate) * 100).toFixed(0)}% of in-memory; target ≥ 90%`,
  ]);
  const files = [0, 1, 2, 3].map((i) => {
    const p = join(dir, `h${i}.bin`);
    writeFileSync(p, buf.subarray(0, 256 * MB));
    return p;
  });
  const pool = new HashPool();
  const t = performance.now();
  await Promise.all(files.map((f) => pool.hash(f)));
  const manyRate = (4 * 256) / ((performance.now() - t) / 1000);
  await pool.close();
  rows.push([
    `SHA-256 of 4 × 256 MB files (hash pool, ${availableParallelism()} threads)`,
    `${manyRate.toFixed(0)} MB/s`,
    `${(manyRate / memRate).toFixed(2)}× one core`,
  ]);
}

/**
 * Issue 16 point 4: the corpus on 1 and 2 scan workers, with the same verdicts in the same
 * order. The built engine (dist), as the CLI runs it: under tsx each worker thread would
 * compile the engine from source as it starts.
 */
async function benchCorpus(): Promise<void> {
  const corpus = resolve('eval/corpus');
  if (!existsSync(corpus)) return;
  const built = (await import(pathToFileURL(resolve('dist/app/index.js')).href)) as { runScan: typeof runScan };
  const orders = new Set<string>();
  for (const workers of [1, 2]) {
    const times: number[] = [];
    let files = 0;
    for (let run = 0; run < 3; run++) {
      const t = performance.now();
      const r = await built.runScan({ targets: [corpus], hash: true, workers });
      times.push(performance.now() - t);
      files = r.files.length;
      orders.add(JSON.stringify(r.files.map((f) => [f.path, f.verdict])));
    }
    rows.push([
      `whole labelled corpus (eval/corpus), ${workers} scan worker${workers > 1 ? 's' : ''}, with hashing`,
      `${showSpread(spread(times))} ms`,
      `min / median / max of 3, each run starting its own pool; ${files} files`,
    ]);
  }
  rows.push([
    'corpus on 1 and 2 workers: same verdicts in the same order',
    orders.size === 1 ? 'yes' : `NO (${orders.size} different)`,
    'paths and verdicts of every run compared',
  ]);
}

const sections: Record<string, () => unknown> = {
  pickle: async () => {
    rows.push(calibration());
    tables.push(await benchPickleShapes(dir, shapes));
  },
  'torch-zip': benchTorchZip,
  hash: benchHash,
  corpus: benchCorpus,
  hub: () => benchHub(dir, rows),
  convert: () => benchConvert(dir, rows),
  backdoor: () => benchBackdoor(rows),
  registry: () => benchRegistry(dir, rows),
  bombs: () => benchBombs(dir, rows),
  startup: () => benchStartup(dir, rows),
};
const args = process.argv.slice(2);
// `--shape NAME` (repeatable, or NAME,NAME) picks pickle shapes; the other words are sections.
const shapes: string[] = [];
const wanted: string[] = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--shape') shapes.push(...(args[++i] ?? '').split(',').filter(Boolean));
  else wanted.push(args[i]!);
}
const unknown = wanted.filter((w) => !(w in sections));
if (unknown.length > 0) {
  console.error(`unknown bench section ${unknown.join(', ')}; the sections: ${Object.keys(sections).join(', ')}`);
  process.exit(2);
}
const unknownShapes = shapes.filter((name) => !SHAPES.some((s) => s.name === name));
if (unknownShapes.length > 0) {
  console.error(`unknown pickle shape ${unknownShapes.join(', ')}; the shapes: ${SHAPES.map((s) => s.name).join(', ')}`);
  process.exit(2);
}
for (const [name, run] of Object.entries(sections)) if (wanted.length === 0 || wanted.includes(name)) await run();
rmSync(dir, { recursive: true, force: true });

const cpu = cpus()[0]?.model ?? 'unknown CPU';
console.log(`modelgate bench — ${cpu}, ${availableParallelism()} cores, ${(totalmem() / 1024 ** 3).toFixed(0)} GiB, Node ${process.version}\n`);
console.log(`| measure | result | notes |\n|---|---|---|`);
for (const [a, b, c] of rows) console.log(`| ${a} | ${b} | ${c} |`);
for (const table of tables) console.log(`\n${table.join('\n')}`);
