import { lineAt, torchScriptRefs } from '../../formats/torch/torchscript.js';
import type { PythonModule } from '../../formats/python/model.js';
import type { Rule } from '../types.js';

/**
 * Builtin operators that reach the file system, from torch's registered schemas
 * (`torch._C._jit_get_all_schemas()`, torch 2.13): `aten::from_file` maps a file into a tensor
 * (`torch.from_file`), `aten::save` writes a value to a path (`torch.save` is a TorchScript
 * builtin), `debugprims::load_tensor` reads a tensor file.
 */
const FILE_OPS: ReadonlyMap<string, string> = new Map([
  ['aten::from_file', 'reads a file into a tensor'],
  ['aten::save', 'writes a value to a file'],
  ['debugprims::load_tensor', 'reads a tensor from a file'],
]);

/** TorchScript code calling an operator that reads or writes files. */
export const fileAccess: Rule<PythonModule> = {
  meta: {
    id: 'torchscript/file-access',
    defaultSeverity: 'high',
    title: 'TorchScript code reads or writes files',
    description:
      "A TorchScript archive's code/ calls a builtin operator that reads or writes files (torch.from_file, torch.save). The C++ loader compiles this code, and running the model (or a __setstate__ the loader calls) touches the file system of the machine that loads it.",
    docs: 'docs/rules/torchscript-file-access.md',
    references: ['MITRE ATLAS AML.T0010', 'MITRE ATLAS AML.T0011.000', 'OWASP LLM03:2025', 'CWE-73'],
  },
  check(module, ctx) {
    for (const ref of torchScriptRefs(module)) {
      const what = ref.kind === 'op' ? FILE_OPS.get(ref.name) : undefined;
      if (!what) continue;
      const pos = module.locate(ref.at);
      ctx.report({
        message: `TorchScript code calls ${ref.spelled} (${ref.name}), which ${what}, at ${pos.where}`,
        location: { offset: pos.offset },
        evidence: lineAt(module.text, ref.at),
      });
    }
  },
};
