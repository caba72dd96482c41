import { spawnSync } from 'node:child_process';
import { closeSync, copyFileSync, fsyncSync, openSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { writeTorchZip } from './torch-zip.js';

const MB = 1024 * 1024;

/**
 * Converts in a child process, so its peak RSS is the conversion's own. The child runs a
 * script file, not `node --input-type=module -e`: under that flag the HDF5 worker the engine
 * starts (an eval worker) never comes up and the scan waits out its 60 s start-up limit.
 */
function convertInChild(input: string, output: string, verify: boolean): { ms: number; rssMb: number; status: string } {
  const code = `
    const { convertFile } = await import(${JSON.stringify(resolve('dist/app/convert/convert.js'))});
    const t = performance.now();
    const r = await convertFile(${JSON.stringify(input)}, ${JSON.stringify(output)}, { force: true, verify: ${verify} });
    const ms = performance.now() - t;
    const hwm = Number(/VmHWM:\\s+(\\d+)/.exec((await import('node:fs')).readFileSync('/proc/self/status', 'utf8'))[1]);
    console.log(JSON.stringify({ ms, rssMb: hwm / 1024, status: r.status }));`;
  const script = `${output}.bench.mjs`;
  writeFileSync(script, code);
  const out = spawnSync(process.execPath, [script], { encoding: 'utf8' });
  rmSync(script);
  if (out.status !== 0) throw new Error(out.stderr);
  return JSON.parse(out.stdout.trim().split('\n').pop() as string) as { ms: number; rssMb: number; status: string };
}

/** Dirty pages of earlier steps are flushed first, so neither measure pays for the other's writes. */
function flushAll(): void {
  spawnSync('sync');
}

/** A durable copy: copyFileSync then fsync, as the conversion syncs its output before renaming it. */
function copyMs(input: string, output: string): number {
  flushAll();
  const t = performance.now();
  copyFileSync(input, output);
  const fd = openSync(output, 'r+');
  fsyncSync(fd);
  closeSync(fd);
  const ms = performance.now() - t;
  rmSync(output);
  return ms;
}

/**
 * `modelgate convert` on a 3 GiB torch zip (12 storages of 256 MiB) next to a plain copy of the
 * same file (copyFileSync + fsync), alternated and best of three each, with warm page cache for
 * both. This VM's disk varies by ±10% from run to run, so one pair of runs says little.
 * The target is ≥ 0.8× the copy. Conversion time includes the scan that gates it.
 */
export function benchConvert(dir: string, rows: Array<[string, string, string]>): void {
  const input = join(dir, 'convert-big.pt');
  const output = join(dir, 'convert-big.safetensors');
  writeTorchZip(input, 12, 256 * MB);
  const size = statSync(input).size;
  let copy = Infinity;
  let convert = { ms: Infinity, rssMb: 0, status: '' };
  for (let i = 0; i < 3; i++) {
    copy = Math.min(copy, copyMs(input, join(dir, 'convert-copy.bin')));
    flushAll();
    const r = convertInChild(input, output, false);
    if (r.ms < convert.ms) convert = r;
    rmSync(output, { force: true });
  }
  flushAll();
  const verified = convertInChild(input, output, true);
  rmSync(output, { force: true });
  rmSync(input);
  const rate = (ms: number): number => size / MB / (ms / 1000);
  rows.push([
    `plain file copy of a ${(size / 1024 ** 3).toFixed(1)} GiB checkpoint (copyFileSync + fsync)`,
    `${rate(copy).toFixed(0)} MB/s`,
    `${copy.toFixed(0)} ms`,
  ]);
  rows.push([
    `convert the same torch zip to safetensors`,
    `${rate(convert.ms).toFixed(0)} MB/s`,
    `${(copy / convert.ms).toFixed(2)}× the copy (target ≥ 0.8×); ${convert.ms.toFixed(0)} ms including the scan; peak RSS ${convert.rssMb.toFixed(0)} MB; ${convert.status}`,
  ]);
  rows.push([
    `convert --verify (re-reads and hashes both files)`,
    `${rate(verified.ms).toFixed(0)} MB/s`,
    `${verified.ms.toFixed(0)} ms; peak RSS ${verified.rssMb.toFixed(0)} MB`,
  ]);
}
