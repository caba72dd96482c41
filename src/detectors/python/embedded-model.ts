import type { RuleMeta } from '../rule.js';

/**
 * Model bytes (a pickle, a zip, a compressed stream …) held in a Python string or bytes
 * literal, raw or as base64/hex text, or in a notebook output. The handler finds and scans
 * them (formats/python/embedded.ts); their own findings appear under `file!/<embedded@offset>`.
 */
export const EMBEDDED_MODEL: RuleMeta = {
  id: 'python/embedded-model',
  defaultSeverity: 'info',
  title: 'Model bytes embedded in Python source or a notebook',
  description:
    'A string or bytes literal (raw, base64 or hex) or a notebook output holds a pickle, an archive or compressed data. It was scanned as a file of its own; what it does is reported under its own target (file!/<embedded@offset>). Code that unpickles such a literal runs whatever the pickle calls.',
  docs: 'docs/rules/python-embedded-model.md',
  references: ['MITRE ATLAS AML.T0010', 'MITRE ATLAS AML.T0011', 'OWASP LLM03:2025', 'CWE-502', 'CWE-506'],
};
