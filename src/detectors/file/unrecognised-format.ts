import type { RuleMeta } from '../rule.js';

/**
 * Binary content that matches no format modelgate reads or recognises as inert. There is no
 * model to check: the dispatcher reports this directly, fatal, so the file is "not read"
 * (verdict `error`) and never clean.
 */
export const UNRECOGNISED_FORMAT: RuleMeta = {
  id: 'file/unrecognised-format',
  defaultSeverity: 'low',
  title: 'Binary content of no format modelgate reads',
  description:
    'The bytes are not text and match no model format, container or inert format modelgate recognises (docs/formats.md). Nothing in them was read, so the file is reported not read rather than clean: a loader that does read the format may run what it holds.',
  docs: 'docs/rules/file-unrecognised-format.md',
  references: ['MITRE ATLAS AML.T0010', 'OWASP LLM03:2025', 'CWE-20'],
  // What this rule reports depends on what src/formats/inert/ and the role checks of
  // src/engine/handlers/binary.ts recognise: bump it with every change there (part of the cache key).
  version: 1,
};
