import { INERT_MEDIA_AND_DATA_FORMATS, INERT_MODEL_FORMATS } from '../../src/formats/inert/names.js';
import type { ScanOutcome } from './scan.js';
import type { FuzzTarget } from './targets.js';

/*
 * What the fuzzer holds every input to:
 * (a) no untyped error: an error that reaches a fatal finding must be a ModelgateError the
 *     parser made (a TypeError or RangeError the engine's safety net caught is a crash);
 * (b) no hang: each scan finishes within its time (judged by the host, which kills the thread);
 * (c) nothing damaged is clean: a strict prefix of a clean model file whose format declares its
 *     own extent, cut before the trailing bytes its reading can do without (padding), is
 *     damaged; when the same reading takes it (same format name) it must not be `clean`. A
 *     mutant of a model file that comes out clean as text or inert data may be a fail-open
 *     reading: recorded for review, not failed, since a mutation can make honest text.
 */

export type FindingKind = 'crash' | 'hang' | 'clean-on-damaged' | 'review';

export interface OracleFinding {
  kind: FindingKind;
  /** Groups findings of one cause: the error and the engine frame it came from, or the rule broken. */
  signature: string;
  reason: string;
}

/** Inputs shorter than this are too short to be told from text by any magic; not worth a review. */
const MIN_REVIEW_BYTES = 16;

/** Readings of content that is not a model of a registry format: text, configs, code, inert data. */
const NOT_MODEL = new Set<string>([
  ...INERT_MEDIA_AND_DATA_FORMATS,
  ...INERT_MODEL_FORMATS,
  'empty',
  'text',
  'json',
  'other',
  'python',
  'yaml',
  'jinja',
  'pth',
  'shell',
  'keras-config',
  'notebook',
]);

/** Whether a seed's outcome is a model file of the target's format (its mutants are then held to (c)). */
export function isModelOf(target: FuzzTarget, outcome: ScanOutcome): boolean {
  return outcome.recognisedBy === target.id && !NOT_MODEL.has(outcome.format);
}

/** The first stack frame in the repository's src/, for grouping crashes by where they happen. */
function srcFrame(stack: string): string {
  const line = stack.split('\n').find((l) => l.includes('/src/') && !l.includes('node_modules'));
  const m = line && /\/src\/([^:)]+:\d+)/.exec(line);
  return m ? m[1]! : 'unknown';
}

/** The crashes in an outcome (untyped errors), grouped by error and frame. */
export function crashes(outcome: ScanOutcome): OracleFinding[] {
  return outcome.rawErrors.map((e) => ({
    kind: 'crash' as const,
    signature: `${e.name}: ${e.message.replace(/\d+/g, 'N').slice(0, 80)} @ ${srcFrame(e.stack)}`,
    reason: `untyped ${e.name} became fatal finding ${e.code}: ${e.message}\n${e.stack}`,
  }));
}

/** What the outcome of a mutant breaks, given what its seed was. */
export function judge(target: FuzzTarget, outcome: ScanOutcome, parent: { model: boolean; format: string; truncated: boolean }, size: number): OracleFinding[] {
  const found = crashes(outcome);
  if (outcome.verdict !== 'clean' || !parent.model) return found;
  if (parent.truncated && target.declaresExtent && outcome.format === parent.format) {
    found.push({
      kind: 'clean-on-damaged',
      signature: `truncated ${parent.format} read as clean ${outcome.format}`,
      reason: `a strict prefix of a ${parent.format} file (${target.id} declares its extent) came out clean as ${outcome.format}`,
    });
  } else if (size >= MIN_REVIEW_BYTES && outcome.format !== parent.format && NOT_MODEL.has(outcome.format)) {
    found.push({
      kind: 'review',
      signature: `${parent.format} mutant read as clean ${outcome.format}`,
      reason: `a mutant of a ${parent.format} file came out clean as ${outcome.format}${outcome.droppedFatals ? ` (a reading reported ${outcome.droppedFatals} fatal finding(s) that were dropped)` : ''}`,
    });
  }
  return found;
}
