import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { BUILDER_SEEDS } from '../../scripts/fuzz/builder-seeds.js';
import { crashes, isModelOf } from '../../scripts/fuzz/oracle.js';
import { prepareFuzzScan, scanBuffer, type ScanOutcome } from '../../scripts/fuzz/scan.js';
import { fuzzTargets, type FuzzTarget } from '../../scripts/fuzz/targets.js';

/*
 * Properties of every scan, checked on random inputs with fast-check (fixed seeds, so a run is
 * repeatable and a failure prints the input that shrinks to it): scanning random bytes or a
 * mutated builder-made file of any format ends in a result without an untyped error and within
 * a time limit, and a truncated model file is never clean. The fuzzer (scripts/fuzz) holds its
 * inputs to the same oracle.
 */

/** Far above any scan of these small inputs (milliseconds); past it a parser is looping. */
const TIME_LIMIT_MS = 5_000;

const targets = fuzzTargets();
const byId = new Map(targets.map((t) => [t.id, t]));
/** Builder-made files by target, and the targets that have them. */
const builderFiles = Object.entries(BUILDER_SEEDS).flatMap(([id, build]) => build().map((bytes) => ({ target: byId.get(id)!, bytes })));

/** What a scan may not do, whatever it was given. */
function expectSound(outcome: ScanOutcome): void {
  expect(crashes(outcome).map((c) => c.reason)).toEqual([]);
  expect(outcome.ms).toBeLessThan(TIME_LIMIT_MS);
}

/** One byte-level edit; positions are taken modulo the length, so every edit applies to any input. */
type Edit = { kind: 'flip' | 'set' | 'insert' | 'delete'; at: number; value: number };
const edit: fc.Arbitrary<Edit> = fc.record({ kind: fc.constantFrom('flip', 'set', 'insert', 'delete'), at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) });

function applyEdits(input: Buffer, edits: readonly Edit[]): Buffer {
  let out = Buffer.from(input);
  for (const e of edits) {
    const at = out.length === 0 ? 0 : e.at % out.length;
    if (e.kind === 'flip' && out.length > 0) out[at] = out[at]! ^ (1 << (e.value % 8));
    else if (e.kind === 'set' && out.length > 0) out[at] = e.value;
    else if (e.kind === 'insert') out = Buffer.concat([out.subarray(0, at), Buffer.from([e.value]), out.subarray(at)]);
    else if (e.kind === 'delete') out = Buffer.concat([out.subarray(0, at), out.subarray(at + 1)]);
  }
  return out;
}

describe('scan properties', () => {
  beforeAll(() => prepareFuzzScan());

  it('random bytes under any format name: only typed errors, within the time limit', () => {
    const names = [...new Set(targets.map((t) => t.fileName))];
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 4096 }), fc.constantFrom(...names), (bytes, name) => {
        expectSound(scanBuffer(Buffer.from(bytes), name));
      }),
      { seed: 20261207, numRuns: 300 },
    );
  });

  it('random bytes behind each magic: only typed errors, within the time limit', () => {
    // Random bytes rarely begin with a magic; these reach each format's own reading.
    const heads = builderFiles.map((f) => ({ head: f.bytes.subarray(0, 16), name: f.target.fileName }));
    fc.assert(
      fc.property(fc.constantFrom(...heads), fc.uint8Array({ maxLength: 1024 }), ({ head, name }, tail) => {
        expectSound(scanBuffer(Buffer.concat([head, tail]), name));
      }),
      { seed: 7, numRuns: 300 },
    );
  });

  it('mutated builder-made files of every format: only typed errors, within the time limit', () => {
    fc.assert(
      fc.property(fc.constantFrom(...builderFiles), fc.array(edit, { minLength: 1, maxLength: 6 }), ({ target, bytes }, edits) => {
        expectSound(scanBuffer(applyEdits(bytes, edits), target.fileName));
      }),
      { seed: 42, numRuns: 500 },
    );
  });

  describe('a truncated model file is never clean', () => {
    /**
     * Clean builder-made model files of formats that declare their extent, with the trailing
     * bytes their reading can do without (the last blob's padding), as the runner's `slackOf`
     * finds them: a cut before those damages the file.
     */
    const cases: Array<{ target: FuzzTarget; bytes: Buffer; format: string; needed: number }> = [];
    beforeAll(() => {
      for (const { target, bytes } of builderFiles) {
        if (!target.declaresExtent) continue;
        const whole = scanBuffer(bytes, target.fileName);
        if (whole.verdict !== 'clean' || !isModelOf(target, whole)) continue;
        let needed = bytes.length;
        const wholeAfterCut = (n: number): boolean => {
          const cut = scanBuffer(bytes.subarray(0, n), target.fileName);
          return cut.verdict === 'clean' && cut.format === whole.format;
        };
        while (needed > 1 && wholeAfterCut(needed - 1)) needed--;
        cases.push({ target, bytes, format: whole.format, needed });
      }
    });

    it('has cases of several formats', () => {
      expect(new Set(cases.map((c) => c.target.id)).size).toBeGreaterThanOrEqual(8);
      // A file whose every prefix is clean would test nothing.
      expect(cases.filter((c) => c.needed < 2)).toEqual([]);
    });

    it('cut anywhere before the end its reading needs: not clean', () => {
      fc.assert(
        fc.property(fc.nat({ max: cases.length - 1 }), fc.nat(), (which, at) => {
          const c = cases[which]!;
          const cut = 1 + (at % (c.needed - 1));
          const outcome = scanBuffer(c.bytes.subarray(0, cut), c.target.fileName);
          expectSound(outcome);
          // Read as the same format, a prefix must not be clean; read as something else, the
          // other reading judged bytes that are no longer this format (a prefix shorter than a magic).
          if (outcome.format === c.format) expect(outcome.verdict, `${c.target.id} cut at ${cut} of ${c.bytes.length}`).not.toBe('clean');
        }),
        { seed: 99, numRuns: 400 },
      );
    });
  });
});
