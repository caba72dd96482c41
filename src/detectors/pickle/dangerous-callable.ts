import type { PickleStream } from '../../formats/pickle/model.js';
import type { Rule } from '../types.js';
import { defaultAllowList } from './allowlist.js';
import { denyGrade } from './denylist.js';
import { isNestedLoader, nestedLoaderBytes } from './nested-loaders.js';
import { describeUse, globalUses } from './uses.js';
import { isCallWrapper, partialAllowed, staticGetattrAllowed, wrappedCallAllowed } from './wrappers.js';

/** Imports and calls of names the deny-list grades: code execution, processes, files, network. */
export const dangerousCallable: Rule<PickleStream> = {
  meta: {
    id: 'pickle/dangerous-callable',
    defaultSeverity: 'critical',
    title: 'Pickle imports or calls a dangerous function',
    description:
      'Unpickling this stream imports a name that runs code, starts processes, builds code objects, unpickles nested data, resolves attributes dynamically, or reaches files or the network. Loading the file runs it.',
    docs: 'docs/rules/pickle-dangerous-callable.md',
    references: ['MITRE ATLAS AML.T0010', 'MITRE ATLAS AML.T0011.000', 'OWASP LLM03:2025', 'CWE-502'],
  },
  check(stream, ctx) {
    const allow = defaultAllowList();
    for (const [path, use] of globalUses(stream)) {
      if (allow.kindOf(path) !== undefined) continue;
      // A nested loader given literal bytes is judged by those bytes, scanned on their own.
      if (isNestedLoader(path) && use.calls.every((c) => nestedLoaderBytes(c) !== undefined)) continue;
      // A helper that only calls an argument (dill's _create_array) is judged by the call it makes.
      if (isCallWrapper(path) && use.calls.length > 0 && use.calls.every(wrappedCallAllowed)) continue;
      // getattr of an allowed global with a literal name is that name, judged on its own.
      if (path === 'builtins.getattr' && use.calls.length > 0 && use.calls.every(staticGetattrAllowed)) continue;
      // functools.partial binding an allowed function (scikit-learn's FunctionTransformer) only stores it.
      if (path === 'functools.partial' && use.calls.length > 0 && use.calls.every((c) => partialAllowed(stream, c))) continue;
      const grade = denyGrade(path);
      if (!grade) continue;
      const { verb, evidence, offset, opIndex } = describeUse(use);
      const via = grade.matched !== path ? ` (reaches ${grade.matched})` : '';
      ctx.report({
        severity: grade.severity,
        message: `unpickling ${verb} ${evidence}${via}: ${grade.category}, ${grade.why}`,
        location: { offset, opIndex },
        evidence,
      });
    }
  },
};
