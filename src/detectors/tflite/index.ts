import type { TfliteModel } from '../../formats/tflite/model.js';
import type { Rule } from '../types.js';
import { customOp } from './custom-op.js';
import { modelInfo } from './model-info.js';

/** Every TFLite rule, sorted by id. */
export const TFLITE_RULES: ReadonlyArray<Rule<TfliteModel>> = [customOp, modelInfo];
