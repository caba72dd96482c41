import type { ExecuTorchProgram } from '../../formats/executorch/model.js';
import type { Rule } from '../types.js';
import { customNamespace } from './custom-namespace.js';
import { modelInfo } from './model-info.js';

/** Every ExecuTorch rule, sorted by id. */
export const EXECUTORCH_RULES: ReadonlyArray<Rule<ExecuTorchProgram>> = [customNamespace, modelInfo];
