/**
 * `npm run bench`: speed and memory, printed as a table (never asserted in tests).
 * 1. pickle analysis throughput on a large synthetic pickle of small opcodes;
 * 2. a PyTorch zip with 2 GB of tensor data vs one with 2 MB, scanned without hashing, in a
 *    child process whose peak RSS is measured;
 * 3. SHA-256 of a large file through the hash pool vs node:crypto in memory, and many files;
 * 4. the whole shared corpus in one process.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { ByteReader } from '../src/core/byte-reader.js';
import { BufferSource } from '../src/core/byte-source.js';
import { DEFAULT_LIMITS } from '../src/core/limits.js';
import { HashPool } from '../src/engine/hash.js';
import { scan } from '../src/engine/scan.js';
import { parsePickleStream } from '../src/formats/pickle/parse.js';
import { writeTorchZip } from './torch-zip.js';

const MB = 1024 * 1024;
const rows: Array<[string, string, string]> = [];
const dir = mkdtempSync(join(tmpdir(), 'mg-bench-'));

/** A protocol-4 pickle of `n` small list items (ints and short strings), in APPENDS batches. */
function syntheticPickle(targetBytes: number): Buffer {
  const parts: Buffer[] = [Buffer.from('\x80\x04]\x94', 'latin1')];
  let size = 4;
  let i = 0;
  while (size < targetBytes) {
    const batch: Buffer[] = [Buffer.from('(')];
    for (let j = 0; j < 1000; j++, i++) {
      batch.push(j % 2 === 0 ? Buffer.from([0x4b, i & 0xff]) : Buffer.from(`\x8c\x05k${String(i % 10000).padStart(4, '0')}\x94`, 'latin1'));
    }
    batch.push(Buffer.from('e'));
    const b = Buffer.concat(batch);
    parts.push(b);
    size += b.length;
  }
  parts.push(Buffer.from('.'));
  return Buffer.concat(parts);
}

function benchPickle(): void {
  const bytes = syntheticPickle(64 * MB);
  const limits = { ...DEFAULT_LIMITS, maxMemoEntries: 100_000_000, maxOpcodes: 500_000_000 };
  parsePickleStream(new ByteReader(new BufferSource(bytes.subarray(0, 0))), { limits });
  let best = Infinity;
  let opcodes = 0;
  for (let run = 0; run < 3; run++) {
    const t = performance.now();
    const s = parsePickleStream(new ByteReader(new BufferSource(bytes)), { limits });
    best = Math.min(best, performance.now() - t);
    opcodes = s.opcodes;
    if (s.error) throw s.error;
  }
  rows.push(['pickle analysis, 64 MB of small opcodes', `${((bytes.length / MB) / (best / 1000)).toFixed(0)} MB/s`, `${(opcodes / 1e6).toFixed(1)} M opcodes in ${best.toFixed(0)} ms; target ≥ 200 MB/s`]);
}

function scanInChild(path: string): { ms: number; rssMb: number; verdict: string } {
  const code = `
    const { scan } = await import(${JSON.stringify(resolve('src/engine/scan.ts'))});
    const t = performance.now();
    const r = await scan([${JSON.stringify(path)}], { hash: false });
    const ms = performance.now() - t;
    console.log(JSON.stringify({ ms, rssMb: process.resourceUsage().maxRSS / 1024, verdict: r.files[0].verdict }));`;
  const out = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { encoding: 'utf8' });
  if (out.status !== 0) throw new Error(out.stderr);
  return JSON.parse(out.stdout.trim().split('\n').pop() as string);
}

function benchTorchZip(): void {
  const small = join(dir, 'small.pt');
  const big = join(dir, 'big.pt');
  writeTorchZip(small, 16, 128 * 1024);
  writeTorchZip(big, 16, 128 * MB);
  for (const [label, path] of [['PyTorch zip, 2 MB of tensors', small], ['PyTorch zip, 2 GB of tensors', big]] as const) {
    const r = scanInChild(path);
    rows.push([`${label}, --no-hash`, `${r.ms.toFixed(0)} ms`, `peak RSS ${r.rssMb.toFixed(0)} MB (whole process); verdict ${r.verdict}`]);
  }
  rmSync(big);
}

async function benchHash(): Promise<void> {
  const buf = Buffer.alloc(512 * MB, 7);
  let t = performance.now();
  createHash('sha256').update(buf).digest('hex');
  const memRate = buf.length / MB / ((performance.now() - t) / 1000);
  const file = join(dir, 'hash.bin');
  writeFileSync(file, buf);
  const one = new HashPool(1);
  await one.hash(file);
  t = performance.now();
  await one.hash(file);
  const fileRate = buf.length / MB / ((performance.now() - t) / 1000);
  await one.close();
  rows.push(['SHA-256 in memory (node:crypto)', `${memRate.toFixed(0)} MB/s`, 'one core']);
  rows.push(['SHA-256 of a 512 MB file (hash pool, 1 thread)', `${fileRate.toFixed(0)} MB/s`, `${((fileRate / memRate) * 100).toFixed(0)}% of in-memory; target ≥ 90%`]);
  const files = [0, 1, 2, 3].map((i) => {
    const p = join(dir, `h${i}.bin`);
    writeFileSync(p, buf.subarray(0, 256 * MB));
    return p;
  });
  const pool = new HashPool();
  t = performance.now();
  await Promise.all(files.map((f) => pool.hash(f)));
  const manyRate = (4 * 256) / ((performance.now() - t) / 1000);
  await pool.close();
  rows.push([`SHA-256 of 4 × 256 MB files (hash pool, ${availableParallelism()} threads)`, `${manyRate.toFixed(0)} MB/s`, `${(manyRate / memRate).toFixed(2)}× one core`]);
}

async function benchCorpus(): Promise<void> {
  const corpus = resolve('../shared/corpus');
  if (!existsSync(corpus)) return;
  const t = performance.now();
  const r = await scan([corpus], { hash: true });
  rows.push(['whole shared corpus, one process, with hashing', `${(performance.now() - t).toFixed(0)} ms`, `${r.summary.files} files`]);
}

benchPickle();
benchTorchZip();
await benchHash();
await benchCorpus();
rmSync(dir, { recursive: true, force: true });

const cpu = cpus()[0]?.model ?? 'unknown CPU';
console.log(`modelgate bench — ${cpu}, ${availableParallelism()} cores, ${(totalmem() / 1024 ** 3).toFixed(0)} GiB, Node ${process.version}\n`);
console.log(`| measure | result | notes |\n|---|---|---|`);
for (const [a, b, c] of rows) console.log(`| ${a} | ${b} | ${c} |`);
