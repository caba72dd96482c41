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
    // 3: TorchScript `__torch__.*` classes graded low (their code is checked by torchscript/*).
    version: 3,
  },
  check(stream, ctx) {
    const allow = defaultAllowList();
    for (const [path, use] of globalUses(stream)) {
      if (allow.kindOf(path) !== undefined || denyGrade(path)) continue;
      const { verb, evidence, offset, opIndex } = describeUse(use);
      // TorchScript archives name classes compiled from their own code/ folder: only the C++
      // loader resolves `__torch__` (Python's find_class has no such module), against the
      // classes it compiled from code/, which the torchscript/* rules check member by member.
      if (path.startsWith('__torch__.')) {
        ctx.report({
          severity: 'low',
          message: `unpickling ${verb} ${evidence}, a TorchScript class compiled from the archive's own code/ (checked by the torchscript rules); Python's unpickler cannot import __torch__`,
          location: { offset, opIndex },
          evidence,
        });
        continue;
      }
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
        message: `unpickling ${verb} ${evidence}, which is not on the allow-list`,
        location: { offset, opIndex },
        evidence,
      });
    }
  },
};
