import type { SavedModel } from '../../formats/savedmodel/model.js';
import type { Rule } from '../types.js';
import { dangerousOp } from './dangerous-op.js';
import { kerasLambdaLayer } from './keras-lambda-layer.js';
import { modelInfo } from './model-info.js';
import { unknownOp } from './unknown-op.js';

/** Every SavedModel rule, sorted by id. */
export const SAVEDMODEL_RULES: ReadonlyArray<Rule<SavedModel>> = [dangerousOp, kerasLambdaLayer, modelInfo, unknownOp];

/** How one TensorFlow op is judged (pure, risky or unknown), for formats that run TF ops such as TFLite Flex ops. */
export { judgeTfOp, type TfOpJudgement } from './op-registry.js';
