import type { PickleStream } from '../../formats/pickle/model.js';
import type { Rule } from '../types.js';

/** EXT1/2/4 name a global through copyreg's extension registry, hiding which one. */
export const extensionCode: Rule<PickleStream> = {
  meta: {
    id: 'pickle/extension-code',
    defaultSeverity: 'medium',
    title: 'Pickle refers to a global through the extension registry',
    description:
      "EXT opcodes look a (module, name) pair up in copyreg's extension registry. The registry is empty unless code filled it, so ordinary files never use them; the name cannot be judged from the file.",
    docs: 'docs/rules/pickle-extension-code.md',
    references: ['MITRE ATLAS AML.T0010', 'OWASP LLM03:2025', 'CWE-502'],
  },
  check(stream, ctx) {
    for (const ext of stream.extensions) {
      ctx.report({
        message: `unpickling imports extension code ${ext.code}, a name the file does not spell out`,
        location: { offset: ext.offset, opIndex: ext.opIndex },
        evidence: `copyreg._extension_registry[${ext.code}]`,
      });
    }
  },
};
