import type { RuleMeta } from '../rule.js';

/**
 * Compiled code in a model repo (src/formats/compiled/sniff.ts): reported by the dispatcher
 * directly, at medium, so the file is never clean: nothing in it can be judged statically.
 */
export const COMPILED_CODE: RuleMeta = {
  id: 'file/compiled-code',
  defaultSeverity: 'medium',
  title: 'Compiled code (native library, executable or Python bytecode)',
  description:
    "The file is compiled code: an ELF, Mach-O or PE executable or shared library, a WebAssembly module, a Java class, or CPython bytecode (.pyc). A custom-op loader (torch.ops.load_library, tf.load_op_library), ctypes.CDLL or an import runs it with the loading process's rights, and a library's constructors run the moment it is mapped. modelgate does not analyse machine code or bytecode, so what it does is unknown; an unchecked-hash .pyc (PEP 552) is imported without comparing it to the .py beside it, so clean source says nothing about it.",
  docs: 'docs/rules/file-compiled-code.md',
  references: ['MITRE ATLAS AML.T0010', 'MITRE ATLAS AML.T0011', 'OWASP LLM03:2025', 'CWE-829', 'CWE-506'],
};
