import type { GgufFile } from '../../formats/gguf/model.js';
import type { Rule } from '../types.js';
import { malformed } from './malformed.js';
import { summary } from './summary.js';
import { tensorData } from './tensor-data.js';

/** Every GGUF rule, sorted by id. Chat templates in the metadata go through JINJA_RULES. */
export const GGUF_RULES: ReadonlyArray<Rule<GgufFile>> = [malformed, summary, tensorData];
