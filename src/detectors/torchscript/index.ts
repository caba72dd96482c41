import type { PythonModule } from '../../formats/python/model.js';
import type { Rule } from '../types.js';
import { customOp } from './custom-op.js';
import { fileAccess } from './file-access.js';

/** Every TorchScript rule, sorted by id: each checks one code/ source of a TorchScript archive. */
export const TORCHSCRIPT_RULES: ReadonlyArray<Rule<PythonModule>> = [customOp, fileAccess];
