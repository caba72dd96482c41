import type { CoreMlModel } from '../../formats/coreml/model.js';
import type { Rule } from '../types.js';
import { customClass } from './custom-class.js';
import { modelInfo } from './model-info.js';

/** Every Core ML rule, sorted by id. */
export const COREML_RULES: ReadonlyArray<Rule<CoreMlModel>> = [customClass, modelInfo];
