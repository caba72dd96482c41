import { BufferSource } from '../../../src/core/byte-source.js';
import type { OnnxModel } from '../../../src/formats/onnx/model.js';
import { parseOnnx } from '../../../src/formats/onnx/parse.js';
import { expectOffset, type RuleFormat } from '../../helpers/rule-tester.js';

/** The rule tester's adapter for ONNX: ModelProto bytes, which must parse; findings carry an offset. */
export const ONNX: RuleFormat<Buffer, OnnxModel> = {
  parse(bytes) {
    const { model, error } = parseOnnx(new BufferSource(bytes));
    if (error) throw error;
    return model;
  },
  eachFinding: expectOffset,
};
