import { analyzeTemplate } from './analyze.js';
import type { ChatTemplate, TemplateError } from './model.js';

/** A template found in a model file, analysed and named for the Jinja rules. */
export function chatTemplate(where: string, source: string, offset?: number): ChatTemplate {
  return { where, offset, analysis: analyzeTemplate(source) };
}

/** A template that cannot be analysed at all (too long to keep, not a string): only its error. */
export function unreadableTemplate(where: string, error: TemplateError, length = 0, offset?: number): ChatTemplate {
  return { where, offset, analysis: { length, error, reaches: [], freeNames: [], dynamicNames: [], strings: [] } };
}
