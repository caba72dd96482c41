import type { GgufFile } from '../../formats/gguf/model.js';
import type { Rule } from '../types.js';

/** A GGUF header that breaks or breaks the spec: never clean. */
export const malformed: Rule<GgufFile> = {
  meta: {
    id: 'gguf/malformed',
    defaultSeverity: 'low',
    title: 'GGUF header is malformed, truncated or over a limit',
    description:
      "The GGUF header could not be read to its end (a bad magic or version, an unknown value type, a string, array or count that runs past the file or over a named limit, more than 4 dimensions), or it breaks the spec (unknown ggml type, misaligned offset, bad general.alignment, a tensor name twice). Lengths and counts like these are how crafted GGUF files overflowed loaders' buffers. What was read before the break is still analysed. Metadata keys that appear twice are graded medium: loaders disagree on which value counts.",
    docs: 'docs/rules/gguf-malformed.md',
    references: ['MITRE ATLAS AML.T0010', 'OWASP LLM03:2025', 'CWE-20', 'CWE-787'],
  },
  check(file, ctx) {
    if (file.error) {
      ctx.report({
        message: `header could not be read past offset ${file.error.offset ?? '?'}: ${file.error.message} (${file.kvs.length} metadata entries and ${file.tensors.length} tensor infos read before)`,
        location: file.error.offset === undefined ? undefined : { offset: file.error.offset },
        fatal: true,
        code: file.error.code,
      });
    }
    if (file.issues.length > 0) {
      const listed = file.issues.length > 20 ? [...file.issues.slice(0, 20), `${file.issues.length - 20} more`] : file.issues;
      ctx.report({ message: `header breaks the GGUF spec: ${listed.join('; ')}`, fatal: true, code: 'MALFORMED' });
    }
    if (file.duplicateKeys.length > 0) {
      const at = file.kvs.filter((kv) => kv.key === file.duplicateKeys[0])[1]?.offset;
      ctx.report({
        severity: 'medium',
        message: `metadata keys appear more than once (${[...new Set(file.duplicateKeys)].slice(0, 10).join(', ')}); loaders disagree on which value counts, so a scanner may check a value the loader never uses`,
        location: at === undefined ? undefined : { offset: at },
        evidence: file.duplicateKeys[0],
      });
    }
  },
};
