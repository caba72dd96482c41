import type { OpenVinoModel } from '../../formats/openvino/model.js';
import type { Rule } from '../types.js';
import { extensionLayer } from './extension-layer.js';
import { modelInfo } from './model-info.js';

/** Every OpenVINO rule, sorted by id. */
export const OPENVINO_RULES: ReadonlyArray<Rule<OpenVinoModel>> = [extensionLayer, modelInfo];
