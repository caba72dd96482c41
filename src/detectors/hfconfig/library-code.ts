import type { CodeVerdict, LibraryCodeRef } from '../../formats/hfconfig/model.js';
import { inNamespaces } from '../../formats/hfconfig/library.js';
import type { Rule } from '../types.js';
import { gradeCallable } from '../yaml/lib/grade.js';

/** A JSON config's library code references, with the verdict on each repo file beside the config. */
export interface LibraryCodeScan {
  refs: LibraryCodeRef[];
  local: Map<LibraryCodeRef, { file: string; verdict: CodeVerdict }>;
}

const DOES = { call: 'imports and calls', import: 'imports' } as const;

/**
 * Configs of libraries that load Hub repos (sentence-transformers, diffusers, PEFT) and select
 * Python by dotted path: graded by the code each path selects, as auto_map is.
 */
export const libraryCode: Rule<LibraryCodeScan> = {
  meta: {
    id: 'hfconfig/library-code',
    defaultSeverity: 'medium',
    title: 'Library config selects Python code outside the library',
    description:
      "sentence-transformers modules.json and Router types (import_module_class), its Dense activation_function and CrossEncoder activation_fn (import_from_string, then called), diffusers model_index.json components [library, Class] and a [file, Class] _class_name (a module file from the repo, or an installed module), and PEFT adapter_config.json auto_mapping.parent_library (importlib.import_module) each select Python by dotted path. A path inside what the library loads by itself (sentence_transformers.*, torch.* activations, diffusers/transformers components and pipeline modules, PEFT's default import allow-list) is no finding. Any other is graded by the code it selects: on the pickle deny-list, high or critical; a module file beside the config is scanned and graded as auto_map is; a module file that is not beside it, or an installed package outside the allow-list, is medium; a well-known library class is info.",
    docs: 'docs/rules/hfconfig-library-code.md',
    references: ['MITRE ATLAS AML.T0010', 'MITRE ATLAS AML.T0011', 'OWASP LLM03:2025', 'CWE-94', 'CWE-470'],
  },
  check(scan, ctx) {
    for (const ref of scan.refs) {
      if (inNamespaces(ref.callable, ref.trusted)) continue;
      const local = scan.local.get(ref);
      const grade = gradeCallable(ref.callable, ref.action, local);
      const from =
        !local && ref.file && grade.severity === 'medium'
          ? `; its code would come from ${ref.file} in the repo (trust_remote_code), which is not beside the config, or from an installed package`
          : '';
      ctx.report({
        severity: grade.severity,
        message: `${ref.where} of a ${ref.loader} selects ${ref.callable}, which the loader ${DOES[ref.action]}; ${grade.why}${from}`,
        evidence: ref.callable,
      });
    }
  },
};
