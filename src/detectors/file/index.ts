import type { RuleMeta } from '../rule.js';
import { COMPILED_CODE } from './compiled-code.js';
import { UNRECOGNISED_FORMAT } from './unrecognised-format.js';

export { COMPILED_CODE } from './compiled-code.js';
export { UNRECOGNISED_FORMAT } from './unrecognised-format.js';

/** Findings about a file as a whole, reported by the engine rather than by a model check. */
export const FILE_RULES: readonly RuleMeta[] = [COMPILED_CODE, UNRECOGNISED_FORMAT];
