import type { ChatTemplate } from '../../formats/jinja/model.js';
import type { Rule } from '../types.js';

/** Templates the parser rejects: not analysed in full, so never reported clean. */
export const malformedTemplate: Rule<ChatTemplate> = {
  meta: {
    id: 'jinja/malformed-template',
    defaultSeverity: 'low',
    title: 'Jinja template could not be parsed',
    description:
      'A chat template in the model does not parse (a syntax error, a statement such as import or include that chat templates have no use for, nesting too deep) or is too long to analyse. What its tokens show is still checked by jinja/template-injection, but the template was not analysed in full, so the file is not reported clean.',
    docs: 'docs/rules/jinja-malformed-template.md',
    references: ['MITRE ATLAS AML.T0010', 'OWASP LLM03:2025', 'CWE-1336'],
  },
  check(template, ctx) {
    const error = template.analysis.error;
    if (!error) return;
    ctx.report({
      message: `${template.where}: ${error.message}`,
      location: template.offset === undefined ? undefined : { offset: template.offset },
      fatal: true,
      code: error.code,
    });
  },
};
