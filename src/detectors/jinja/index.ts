import type { ChatTemplate } from '../../formats/jinja/model.js';
import type { Rule } from '../types.js';
import { malformedTemplate } from './malformed-template.js';
import { templateInjection } from './template-injection.js';

/** Every Jinja template rule, sorted by id. Run over each chat template a model carries. */
export const JINJA_RULES: ReadonlyArray<Rule<ChatTemplate>> = [malformedTemplate, templateInjection];
