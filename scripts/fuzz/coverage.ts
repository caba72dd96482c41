import { Session } from 'node:inspector';

/*
 * Block coverage of the engine's own files from V8 (the inspector's precise coverage with
 * block counts, as c8 reads it), for the fuzzer's guidance and its numbers. V8 reports a
 * function's ranges with counts, merging a block into its parent when their counts agree; so
 * a known block counts as reached when the innermost range reported around it ran.
 */

interface Range {
  startOffset: number;
  endOffset: number;
  count: number;
}
interface FunctionCoverage {
  ranges: Range[];
}
interface ScriptCoverage {
  url: string;
  functions: FunctionCoverage[];
}

/**
 * What one input added: blocks reached for the first time, and blocks V8 reported for the first
 * time; bytes of function code executed for the first time, as [start, end) spans by file,
 * and the size of each file seen for the first time.
 */
export interface CoverageDelta {
  covered: string[];
  seen: string[];
  bytes: Record<string, Array<[number, number]>>;
  /** Each file's length, and how many of its bytes are inside functions (the code counted), when they changed. */
  lengths: Record<string, { length: number; code: number }>;
}

export class BlockCoverage {
  private readonly session = new Session();
  /** Known blocks of each script not reached yet, as [start, end, key]. */
  private readonly uncovered = new Map<string, Array<[number, number, string]>>();
  private readonly seen = new Set<string>();
  private readonly covered = new Set<string>();
  /** Bytes of function code executed so far, by file (of the code V8 runs: tsx's output). */
  private readonly hit = new Map<string, Uint8Array>();
  /** Which bytes of each file are function code: kept across resets (see `takeBytes`). */
  private readonly code = new Map<string, Uint8Array>();
  /** Files whose code size the receiver has been told since the last reset. */
  private readonly announced = new Set<string>();

  /** `prefix`: the URL prefix of the files counted (the repository's src/ folder). */
  constructor(private readonly prefix: string) {
    this.session.connect();
    this.post('Profiler.enable');
    this.post('Profiler.startPreciseCoverage', { callCount: true, detailed: true });
  }

  private post(method: string, params?: object): unknown {
    let answer: unknown;
    let failure: Error | null = null;
    // A session in the same thread answers synchronously.
    this.session.post(method, params, (err, result) => {
      failure = err;
      answer = result;
    });
    if (failure) throw failure;
    return answer;
  }

  /** Forgets what was reached, so the next target's numbers are its own. */
  reset(): void {
    this.take();
    this.uncovered.clear();
    this.seen.clear();
    this.covered.clear();
    this.hit.clear();
    this.announced.clear();
  }

  /** Takes the counts since the last call (V8 resets them) and returns what is new. */
  take(): CoverageDelta {
    const { result } = this.post('Profiler.takePreciseCoverage') as { result: ScriptCoverage[] };
    const delta: CoverageDelta = { covered: [], seen: [], bytes: {}, lengths: {} };
    for (const script of result) {
      if (!script.url.startsWith(this.prefix)) continue;
      const file = script.url.slice(this.prefix.length);
      this.takeBytes(file, script.functions, delta);
      let pending = this.uncovered.get(file);
      if (!pending) this.uncovered.set(file, (pending = []));
      for (const fn of script.functions) {
        for (const r of fn.ranges) {
          const key = `${file}:${r.startOffset}-${r.endOffset}`;
          if (this.seen.has(key)) continue;
          this.seen.add(key);
          delta.seen.push(key);
          pending.push([r.startOffset, r.endOffset, key]);
        }
      }
      for (const fn of script.functions) {
        const outer = fn.ranges[0];
        if (!outer || outer.count === 0) continue;
        for (let i = pending.length - 1; i >= 0; i--) {
          const [start, end, key] = pending[i]!;
          if (start < outer.startOffset || end > outer.endOffset) continue;
          // The innermost reported range that holds this block decides its count.
          let inner = outer;
          for (const r of fn.ranges) {
            if (r.startOffset <= start && r.endOffset >= end && r.endOffset - r.startOffset <= inner.endOffset - inner.startOffset) inner = r;
          }
          if (inner.count === 0) continue;
          pending.splice(i, 1);
          if (!this.covered.has(key)) {
            this.covered.add(key);
            delta.covered.push(key);
          }
        }
      }
    }
    return delta;
  }

  /**
   * Marks the bytes of function code this input executed: each byte counts as its innermost
   * range does (the innermost function's, then its innermost block's), so a closure that never
   * ran inside a function that did is not counted, and a function never run (V8 reports it with
   * a count of 0) counts in full as code not reached.
   */
  private takeBytes(file: string, functions: FunctionCoverage[], delta: CoverageDelta): void {
    // The script's own top-level range (its imports, constants and declarations) ran once at
    // load; only the bytes inside functions count, where the parsing happens. V8 leaves out of
    // later reports functions that did not run since the last, so what is code is the union of
    // every report since the thread started (the first lists every function).
    const inner = functions.filter((f) => (f.ranges[0]?.startOffset ?? 0) > 0);
    const length = Math.max(0, ...functions.map((f) => f.ranges[0]?.endOffset ?? 0));
    let mask = this.code.get(file);
    if (!mask || mask.length < length) {
      const grown = new Uint8Array(length);
      if (mask) grown.set(mask);
      this.code.set(file, (mask = grown));
    }
    let grew = !this.announced.has(file);
    for (const f of inner) {
      const r = f.ranges[0]!;
      if (mask.subarray(r.startOffset, r.endOffset).every((b) => b === 1)) continue;
      mask.fill(1, r.startOffset, r.endOffset);
      grew = true;
    }
    if (grew) {
      this.announced.add(file);
      delta.lengths[file] = { length: mask.length, code: mask.reduce((a, b) => a + b, 0) };
    }
    let hit = this.hit.get(file);
    if (!hit || hit.length < mask.length) {
      const grown = new Uint8Array(mask.length);
      if (hit) grown.set(hit);
      this.hit.set(file, (hit = grown));
    }
    if (!inner.some((f) => f.ranges[0]!.count > 0)) return;
    const state = new Uint8Array(hit.length);
    const outermostFirst = [...inner].sort((a, b) => span(b) - span(a));
    for (const fn of outermostFirst) for (const r of fn.ranges) state.fill(r.count > 0 ? 1 : 0, r.startOffset, r.endOffset);
    const spans: Array<[number, number]> = [];
    for (let i = 0; i < hit.length; i++) {
      if (state[i] !== 1 || hit[i] === 1) continue;
      const start = i;
      while (i < hit.length && state[i] === 1 && hit[i] !== 1) hit[i++] = 1;
      spans.push([start, i]);
    }
    if (spans.length > 0) delta.bytes[file] = spans;
  }
}

const span = (f: FunctionCoverage): number => (f.ranges[0] ? f.ranges[0].endOffset - f.ranges[0].startOffset : 0);
