import type { PaddleProgram } from '../../formats/paddle/model.js';
import type { Rule } from '../types.js';
import { dangerousOp } from './dangerous-op.js';
import { modelInfo } from './model-info.js';

/** Every PaddlePaddle program rule, sorted by id. */
export const PADDLE_RULES: ReadonlyArray<Rule<PaddleProgram>> = [dangerousOp, modelInfo];
