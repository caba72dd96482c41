import { describe, expect, it } from 'vitest';
import { ModelgateError } from '../../src/core/errors.js';
import { crashes, judge } from '../../scripts/fuzz/oracle.js';
import { untypedCause, type ScanOutcome } from '../../scripts/fuzz/scan.js';
import { fuzzTargets } from '../../scripts/fuzz/targets.js';

/* The fuzzer's oracle on made-up outcomes: what counts as a crash, and when clean is wrong. */

const target = (id: string) => fuzzTargets().find((t) => t.id === id)!;
const outcome = (o: Partial<ScanOutcome>): ScanOutcome => ({
  verdict: 'clean',
  format: 'safetensors',
  recognisedBy: 'safetensors',
  fatalCodes: [],
  rawErrors: [],
  droppedFatals: 0,
  ms: 1,
  ...o,
});

describe('untypedCause', () => {
  const raw = new TypeError("Cannot read properties of undefined (reading 'x')");
  it.each([
    ['a raw TypeError', raw, raw],
    ['a catch-all that passes the message through', new ModelgateError('MALFORMED', raw.message, { cause: raw }), raw],
    ['a catch-all two levels down', new ModelgateError('UNREADABLE', 'x', { cause: new ModelgateError('MALFORMED', raw.message, { cause: raw }) }), raw],
    ['a typed error of the parser', new ModelgateError('TRUNCATED', 'header is cut'), undefined],
    ['a wrap in words of its own', new ModelgateError('MALFORMED', 'header is not valid UTF-8', { cause: raw }), undefined],
  ])('%s', (_what, error, expected) => {
    expect(untypedCause(error)).toBe(expected);
  });
  it('a thrown non-error is untyped too', () => {
    expect(untypedCause('boom')?.message).toBe('boom');
  });
});

describe('judge', () => {
  const model = { model: true, format: 'safetensors', truncated: false };
  it('an untyped error is a crash, grouped by error and frame', () => {
    const found = crashes(
      outcome({
        rawErrors: [
          { name: 'RangeError', message: 'offset 12 out of range', stack: 'RangeError\n    at f (/r/src/formats/x/parse.ts:10:3)', code: 'MALFORMED' },
        ],
      }),
    );
    expect(found.map((f) => [f.kind, f.signature])).toEqual([['crash', 'RangeError: offset N out of range @ formats/x/parse.ts:10']]);
  });
  it('a truncated model file read as clean by its own format is clean-on-damaged', () => {
    expect(judge(target('safetensors'), outcome({}), { ...model, truncated: true }, 100).map((f) => f.kind)).toEqual(['clean-on-damaged']);
  });
  it('a truncated file of a format that may end anywhere is not', () => {
    expect(judge(target('onnx'), outcome({ format: 'onnx', recognisedBy: 'onnx' }), { model: true, format: 'onnx', truncated: true }, 100)).toEqual([]);
  });
  it('a truncated file that is not clean, or whose seed was no model, is fine', () => {
    expect(judge(target('safetensors'), outcome({ verdict: 'error' }), { ...model, truncated: true }, 100)).toEqual([]);
    expect(judge(target('safetensors'), outcome({}), { ...model, model: false, truncated: true }, 100)).toEqual([]);
  });
  it('a model mutant read as clean text is kept for review, unless it is a few bytes', () => {
    expect(judge(target('safetensors'), outcome({ format: 'text', recognisedBy: undefined }), model, 100).map((f) => f.kind)).toEqual(['review']);
    expect(judge(target('safetensors'), outcome({ format: 'text', recognisedBy: undefined }), model, 3)).toEqual([]);
  });
});
