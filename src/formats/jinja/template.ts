import { analyzeTemplate } from './analyze.js';
import type { ChatTemplate } from './model.js';

/** A template found in a model file, analysed and named for the Jinja rules. */
export function chatTemplate(where: string, source: string, offset?: number): ChatTemplate {
  return { where, offset, analysis: analyzeTemplate(source) };
}

/** A template too long to keep or parse: analysed as nothing, with a LIMIT_STRING error. */
export function oversizedTemplate(where: string, length: number, offset?: number): ChatTemplate {
  return {
    where,
    offset,
    analysis: { length, error: { code: 'LIMIT_STRING', message: `template of ${length} bytes is too long to analyse` }, reaches: [], freeNames: [], dynamicNames: [], strings: [] },
  };
}
