import type { OnnxModel } from '../../formats/onnx/model.js';
import type { Rule } from '../types.js';
import { customOperatorDomain } from './custom-operator-domain.js';
import { externalDataPath } from './external-data-path.js';
import { modelInfo } from './model-info.js';

/** Every ONNX rule, sorted by id. */
export const ONNX_RULES: ReadonlyArray<Rule<OnnxModel>> = [customOperatorDomain, externalDataPath, modelInfo];
