/**
 * `npm run bench`: speed and memory, printed as a table (never asserted in tests).
 * 1. pickle analysis throughput on a large synthetic pickle of small opcodes;
 * 2. a PyTorch zip with 2 GB of tensor data vs one with 2 MB, scanned without hashing, in a
 *    child process whose peak RSS is measured;
 * 3. SHA-256 of a large file through the hash pool vs node:crypto in memory, and many files;
 * 4. the whole labelled corpus (eval/corpus) in one process;
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
import { ByteReader } from '../src/core/byte-reader.js';
import { BufferSource } from '../src/core/byte-source.js';
import { DEFAULT_LIMITS } from '../src/core/limits.js';
import { HashPool } from '../src/sources/index.js';
import { scan } from '../src/app/index.js';
import { parsePickleStream } from '../src/formats/pickle/parse.js';
import { benchBackdoor } from './backdoor.js';
import { benchBombs } from './bombs.js';
import { benchConvert } from './convert.js';
import { benchHub } from './hub.js';
import { benchRegistry } from './registry.js';
import { benchStartup } from './startup.js';
import { writeTorchZip } from './torch-zip.js';

const MB = 1024 * 1024;
const rows: Array<[string, string, string]> = [];
const dir = mkdtempSync(join(tmpdir(), 'mg-bench-'));

/** A protocol-4 pickle of a list of numbers (BININT1, BININT2, BININT, BINFLOAT), in APPENDS batches. */
function numericPickle(targetBytes: number): Buffer {
  const parts: Buffer[] = [Buffer.from('\x80\x04]\x94', 'latin1')];
  let size = 4;
  for (let i = 0; size < targetBytes;) {
    const batch = Buffer.alloc(1 + 1000 * 5 + 1);
    let p = 0;
    batch[p++] = 0x28;
    for (let j = 0; j < 1000; j++, i++) {
      if (j % 4 === 0) {
        batch[p++] = 0x4b;
        batch[p++] = i & 0xff;
      } else if (j % 4 === 1) {
        batch[p++] = 0x4d;
        batch.writeUInt16LE(i & 0xffff, p);
        p += 2;
      } else {
        batch[p++] = 0x4a;
        batch.writeInt32LE(i, p);
        p += 4;
      }
    }
    batch[p++] = 0x65;
    parts.push(batch.subarray(0, p));
    size += p;
  }
  parts.push(Buffer.from('.'));
  return Buffer.concat(parts);
}

/** A protocol-4 pickle of small list items (ints and short memoised strings, like a vocabulary). */
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
  benchPickleBytes('pickle analysis, 64 MB of ints and memoised short strings', syntheticPickle(64 * MB));
  benchPickleBytes('pickle analysis, 64 MB of ints (BININT1/2/BININT)', numericPickle(64 * MB));
}

function benchPickleBytes(label: string, bytes: Buffer): void {
  const limits = { ...DEFAULT_LIMITS, maxMemoEntries: 100_000_000, maxOpcodes: 500_000_000 };
  parsePickleStream(new ByteReader(new BufferSource(bytes.subarray(0, 0))), { limits });
  let best = Infinity;
  let opcodes = 0;
  for (let run = 0; run < 5; run++) {
    const t = performance.now();
    const s = parsePickleStream(new ByteReader(new BufferSource(bytes)), { limits });
    best = Math.min(best, performance.now() - t);
    opcodes = s.opcodes;
    if (s.error) throw s.error;
  }
  rows.push([
    label,
    `${(bytes.length / MB / (best / 1000)).toFixed(0)} MB/s`,
    `${(opcodes / 1e6).toFixed(1)} M opcodes in ${best.toFixed(0)} ms; target ≥ 200 MB/s`,
  ]);
}

function benchGenops(): void {
  // For scale: CPython's pickletools.genops (what picklescan and ModelScan use) on 8 MB of the
  // same bytes, when a python3 is on the machine. Only the bench runs it; modelgate never does.
  const sample = join(dir, 'sample.pkl');
  writeFileSync(sample, Buffer.concat([syntheticPickle(8 * MB)]));
  const py = spawnSync(
    'python3',
    [
      '-c',
      'import pickletools,sys,time\nd=open(sys.argv[1],"rb").read()\nt=time.perf_counter()\nn=sum(1 for _ in pickletools.genops(d))\nprint(len(d)/(time.perf_counter()-t)/1048576)',
      sample,
    ],
    { encoding: 'utf8' },
  );
  if (py.status === 0)
    rows.push(['CPython pickletools.genops, same kind of bytes', `${Number(py.stdout).toFixed(1)} MB/s`, 'for scale only (opcode listing, no interpretation)']);
  // A trivial loop, to compare machines: this one is slow.
  const t = performance.now();
  let x = 0;
  for (let i = 0; i < 1e8; i++) x += i & 7;
  rows.push(['machine calibration: 1e8 iterations of `x += i & 7`', `${(performance.now() - t).toFixed(0)} ms`, x > 0 ? 'compare machines with this' : '']);
}

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

async function benchCorpus(): Promise<void> {
  const corpus = resolve('eval/corpus');
  if (!existsSync(corpus)) return;
  const t = performance.now();
  const r = await scan([corpus], { hash: true });
  rows.push(['whole labelled corpus (eval/corpus), one process, with hashing', `${(performance.now() - t).toFixed(0)} ms`, `${r.summary.files} files`]);
}

const sections: Record<string, () => unknown> = {
  pickle: () => {
    benchPickle();
    benchGenops();
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
const wanted = process.argv.slice(2);
const unknown = wanted.filter((w) => !(w in sections));
if (unknown.length > 0) {
  console.error(`unknown bench section ${unknown.join(', ')}; the sections: ${Object.keys(sections).join(', ')}`);
  process.exit(2);
}
for (const [name, run] of Object.entries(sections)) if (wanted.length === 0 || wanted.includes(name)) await run();
rmSync(dir, { recursive: true, force: true });

const cpu = cpus()[0]?.model ?? 'unknown CPU';
console.log(`modelgate bench — ${cpu}, ${availableParallelism()} cores, ${(totalmem() / 1024 ** 3).toFixed(0)} GiB, Node ${process.version}\n`);
console.log(`| measure | result | notes |\n|---|---|---|`);
for (const [a, b, c] of rows) console.log(`| ${a} | ${b} | ${c} |`);
