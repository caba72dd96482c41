import { BufferSource } from '../../../src/core/byte-source.js';
import type { TfliteModel } from '../../../src/formats/tflite/model.js';
import { parseTflite } from '../../../src/formats/tflite/parse.js';
import { expectOffset, type RuleFormat } from '../../helpers/rule-tester.js';

/** The rule tester's adapter for TFLite: flatbuffer bytes, which must parse; findings carry an offset. */
export const TFLITE: RuleFormat<Buffer, TfliteModel> = {
  parse(bytes) {
    const { model, error } = parseTflite(new BufferSource(bytes));
    if (error) throw error;
    return model;
  },
  eachFinding: expectOffset,
};
