import { COREML_RULES } from './coreml/index.js';
import { EXECUTORCH_RULES } from './executorch/index.js';
import { MXNET_RULES } from './mxnet/index.js';
import { OPENVINO_RULES } from './openvino/index.js';
import { PADDLE_RULES } from './paddle/index.js';
import type { RuleMeta } from './rule.js';
import { TFLITE_RULES } from './tflite/index.js';

/**
 * Metadata of the rules of the smaller model formats (TFLite, ExecuTorch, CoreML, OpenVINO,
 * PaddlePaddle, MXNet, legacy GGML), kept in one list so `ALL_RULES` takes them with one line.
 */
export const MODEL_FORMAT_RULE_METAS: readonly RuleMeta[] = [
  ...COREML_RULES,
  ...EXECUTORCH_RULES,
  ...MXNET_RULES,
  ...OPENVINO_RULES,
  ...PADDLE_RULES,
  ...TFLITE_RULES,
].map((r) => r.meta);
