import type { SafetensorsFile } from '../../formats/safetensors/model.js';
import type { Rule } from '../types.js';

/** A header that loaders reject: the file was not fully understood, so it is never clean. */
export const invalidHeader: Rule<SafetensorsFile> = {
  meta: {
    id: 'safetensors/invalid-header',
    defaultSeverity: 'low',
    title: 'safetensors header is invalid, truncated or over a limit',
    description:
      'The 8-byte header length runs past the file or over the 100 MB loaders accept, the header is not strict UTF-8 JSON starting with "{", a dtype is unknown, a shape and dtype do not match the byte range, or __metadata__ is not a map of strings to strings. Loaders refuse such files; scanners and loaders may read them differently, so the file is reported as not read.',
    docs: 'docs/rules/safetensors-invalid-header.md',
    references: ['MITRE ATLAS AML.T0010', 'OWASP LLM03:2025', 'CWE-20'],
  },
  check(file, ctx) {
    if (file.issues.length === 0) return;
    ctx.report({
      message: `header entries a loader refuses: ${file.issues.join('; ')}`,
      location: { offset: 8 },
      fatal: true,
      code: 'MALFORMED',
    });
  },
};
