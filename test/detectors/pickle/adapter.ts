import type { ByteSource } from '../../../src/core/byte-source.js';
import type { PickleBuilder } from '../../../src/formats/pickle/builder.js';
import type { PickleStream } from '../../../src/formats/pickle/model.js';
import { expectOffset, type RuleFormat } from '../../helpers/rule-tester.js';
import { parse } from '../../formats/pickle/helpers.js';

/** A pickle as a builder, bytes, or any source (one too large to hold). */
export type PickleInput = PickleBuilder | Buffer | ByteSource;

/** The rule tester's adapter for pickles: one stream parsed with the default limits; findings carry an offset. */
export const PICKLE: RuleFormat<PickleInput, PickleStream> = {
  parse: (input) => parse(input),
  eachFinding: expectOffset,
};
