import { analyzeTemplate } from './analyze.js';
import type { ChatTemplate } from './model.js';

/** A template found in a model file, analysed and named for the Jinja rules. */
export function chatTemplate(where: string, source: string, offset?: number): ChatTemplate {
  return { where, offset, analysis: analyzeTemplate(source) };
}
