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

/** What one input added: blocks reached for the first time, and blocks V8 reported for the first time. */
export interface CoverageDelta {
  covered: string[];
  seen: string[];
}

export class BlockCoverage {
  private readonly session = new Session();
  /** Known blocks of each script not reached yet, as [start, end, key]. */
  private readonly uncovered = new Map<string, Array<[number, number, string]>>();
  private readonly seen = new Set<string>();
  private readonly covered = new Set<string>();

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

  /** Takes the counts since the last call (V8 resets them) and returns what is new. */
  take(): CoverageDelta {
    const { result } = this.post('Profiler.takePreciseCoverage') as { result: ScriptCoverage[] };
    const delta: CoverageDelta = { covered: [], seen: [] };
    for (const script of result) {
      if (!script.url.startsWith(this.prefix)) continue;
      const file = script.url.slice(this.prefix.length);
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
}
