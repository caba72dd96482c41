import { isImportableName } from '../../formats/pickle/activity.js';
import type { PickleStream } from '../../formats/pickle/model.js';
import type { Rule } from '../types.js';
import { defaultAllowList } from './allowlist.js';
import { denyGrade } from './denylist.js';
import { describeUse, globalUses } from './uses.js';

/** Anything imported that the allow-list does not know: suspicious until reviewed. */
export const unknownGlobal: Rule<PickleStream> = {
  meta: {
    id: 'pickle/unknown-global',
    defaultSeverity: 'medium',
    title: 'Pickle imports a name outside the allow-list',
    description:
      'Unpickling imports (and possibly calls) a name that is not on the allow-list of known-safe library classes and rebuild functions. It may be a custom class of the model author, or a gadget no deny-list knows yet; review it before loading.',
    docs: 'docs/rules/pickle-unknown-global.md',
    references: ['MITRE ATLAS AML.T0010', 'OWASP LLM03:2025', 'CWE-502'],
    // 2: names that are not Python identifiers are graded low (the load fails at them).
    version: 2,
  },
  check(stream, ctx) {
    const allow = defaultAllowList();
    for (const [path, use] of globalUses(stream)) {
      if (allow.kindOf(path) !== undefined || denyGrade(path)) continue;
      const { verb, evidence, offset, opIndex } = describeUse(use);
      // TorchScript archives name classes compiled from their own code/ folder, which runs when
      // the module is called; this version does not analyse TorchScript code.
      const why = path.startsWith('__torch__.')
        ? "a TorchScript class compiled from the archive's own code, which modelgate does not analyse yet"
        : 'which is not on the allow-list';
      // A module or name that is not a (dotted) identifier names nothing installed: find_class's
      // __import__ or getattr raises there, so nothing runs through it (the stream's calls and
      // imports before it are judged on their own).
      if (use.ref.op !== 'EXT' && !isImportableName(use.ref)) {
        ctx.report({
          severity: 'low',
          message: `unpickling ${verb} ${evidence}, whose module or name is not a Python identifier: no installed module has it, so a load fails there (ModuleNotFoundError or AttributeError)`,
          location: { offset, opIndex },
          evidence,
        });
        continue;
      }
      ctx.report({
        message: `unpickling ${verb} ${evidence}, ${why}`,
        location: { offset, opIndex },
        evidence,
      });
    }
  },
};
