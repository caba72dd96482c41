import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runScan } from '../../src/app/index.js';
import { newArtifactId, ScanPool } from '../../src/app/scan-pool.js';
import { withLimits } from '../../src/core/limits.js';
import { pickle } from '../../src/formats/pickle/builder.js';
import { osSystemPickle, repeated } from '../helpers/pickles.js';

/**
 * A folder of pickles that each take the kernel a good part of a second: a list of 24 M small
 * ints, appended in batches of 1,000 as the pickler writes them (so the stack stays small and
 * the memory budget is not what ends the scan).
 */
function heavyFolder(files: number): string {
  const dir = mkdtempSync(join(tmpdir(), 'mg-pool-'));
  const batch = (b: ReturnType<typeof pickle>): ReturnType<typeof pickle> => {
    b.mark();
    for (let i = 0; i < 1000; i++) b.binint1(7);
    return b.appends();
  };
  const body = repeated(batch, 24 * 1024);
  const open = pickle().proto(2).emptyList().bytes();
  const close = pickle().stop().bytes();
  const bytes = Buffer.concat([open, body, close]);
  for (let i = 0; i < files; i++) writeFileSync(join(dir, `ints${i}.pkl`), bytes);
  writeFileSync(join(dir, 'payload.pkl'), osSystemPickle());
  return dir;
}

/**
 * Runs a scan while a 10 ms timer ticks, and returns how many ticks came against how many a
 * free event loop would have given in that time.
 */
async function ticksDuring(scan: () => Promise<unknown>): Promise<{ ms: number; ratio: number }> {
  let ticks = 0;
  const timer = setInterval(() => ticks++, 10);
  const started = performance.now();
  try {
    await scan();
  } finally {
    clearInterval(timer);
  }
  const ms = performance.now() - started;
  return { ms, ratio: ticks / (ms / 10) };
}

describe('the scan pool', () => {
  const dir = heavyFolder(3);

  it("leaves the caller's event loop responsive while a large scan runs in its workers", async () => {
    // Warm the worker up first, so the measure is of scanning, not of loading the engine.
    await runScan({ targets: [join(dir, 'payload.pkl')], workers: 1, hash: false });
    const inThread = await ticksDuring(() => runScan({ targets: [dir], workers: 0, hash: false }));
    const pooled = await ticksDuring(() => runScan({ targets: [dir], workers: 1, hash: false }));
    // The in-thread scan blocks the loop for whole files: the timer barely runs.
    expect(inThread.ms).toBeGreaterThan(150);
    expect(inThread.ratio).toBeLessThan(0.2);
    // In the pool the loop keeps ticking (a loaded machine may delay some ticks, never most).
    expect(pooled.ratio).toBeGreaterThan(0.5);
  });

  it('gives the same report in the pool as in the calling thread, files in entry order', async () => {
    const strip = (r: Awaited<ReturnType<typeof runScan>>) =>
      r.files.map((f) => ({ path: f.path, format: f.format, verdict: f.verdict, findings: f.findings }));
    const inThread = await runScan({ targets: [dir], workers: 0, hash: false });
    const pooled = await runScan({ targets: [dir], workers: 2, hash: false });
    expect(strip(pooled)).toEqual(strip(inThread));
    expect(pooled.files.find((f) => f.path === 'payload.pkl')?.verdict).toBe('malicious');
    expect(pooled.tool.provenance?.key).toMatch(/^[0-9a-f]{64}$/);
    expect(pooled.tool.provenance?.key).toBe(inThread.tool.provenance?.key);
  });

  it('gives the same answer in a worker for content whose parser recursion the thread stack used to decide', async () => {
    const deep = mkdtempSync(join(tmpdir(), 'mg-pool-deep-'));
    writeFileSync(join(deep, 'chat_template.jinja'), `{{ ${'('.repeat(600)}1${')'.repeat(600)} }}`);
    const strip = (r: Awaited<ReturnType<typeof runScan>>) => r.files.map((f) => ({ verdict: f.verdict, findings: f.findings }));
    const inThread = await runScan({ targets: [deep], workers: 0, hash: false });
    const pooled = await runScan({ targets: [deep], workers: 1, hash: false });
    expect(strip(pooled)).toEqual(strip(inThread));
    expect(pooled.files[0]?.verdict).toBe('error');
  });

  it('records what produced a result: formats, rules, allow-list digest, limits; the key changes with them', async () => {
    const a = await runScan({ targets: [join(dir, 'payload.pkl')], hash: false });
    const b = await runScan({ targets: [join(dir, 'payload.pkl')], hash: false, limits: { maxOpcodes: 1000 } });
    const p = a.tool.provenance!;
    expect(p.tool).toBe(a.tool.version);
    expect(p.formats.pickle).toBeGreaterThanOrEqual(1);
    expect(p.rules['pickle/dangerous-callable']).toBeGreaterThanOrEqual(1);
    expect(p.allowList).toMatch(/^[0-9a-f]{64}$/);
    expect(b.tool.provenance!.limits.maxOpcodes).toBe(1000);
    expect(b.tool.provenance!.key).not.toBe(p.key);
  });

  it('fails a job whose bytes cannot be reopened in the worker, and a closed pool fails what is queued', async () => {
    const pool = new ScanPool(1);
    const entry = { path: 'gone.pkl', targetIndex: 0, kind: 'file' as const, size: 1 };
    const link = { id: newArtifactId() };
    await expect(pool.scan(entry, { source: { kind: 'file', path: join(dir, 'no-such-file') } }, [], withLimits(), link)).rejects.toThrow(/no-such-file/);
    const ok = await pool.scan(entry, { source: { kind: 'bytes', bytes: osSystemPickle() } }, [], withLimits(), link);
    expect(ok.verdict).toBe('malicious');
    const queued = pool.scan(entry, { source: { kind: 'bytes', bytes: osSystemPickle() } }, [], withLimits(), link);
    const refused = expect(queued).rejects.toThrow(/closed/);
    await pool.close();
    await refused;
  });
});
