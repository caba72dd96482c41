import type { MxnetSymbol } from '../../formats/mxnet/model.js';
import type { Rule } from '../types.js';
import { customOp } from './custom-op.js';
import { modelInfo } from './model-info.js';

/** Every MXNet symbol rule, sorted by id. */
export const MXNET_RULES: ReadonlyArray<Rule<MxnetSymbol>> = [customOp, modelInfo];
