import { parsePython } from './parse.js';
import { isPythonReady } from './runtime.js';

/** Names Python imports or runs as source. */
const PYTHON_NAME = /\.(?:py|pyw|pyi)$/i;
/** `#!/usr/bin/env python3`, `#!/usr/bin/python -u` … */
const SHEBANG = /^#![^\n]*\bpython[\d.]*\b/;
/** Lines only Python starts with: imports, definitions, decorators, the main guard. */
const STRUCTURE =
  /^(?:from\s+\.*[\w.]*\s+import\s+[\w*(]|import\s+[\w.]+(?:\s+as\s+\w+)?(?:\s*,\s*[\w.]+(?:\s+as\s+\w+)?)*\s*(?:#.*)?$|(?:async\s+)?def\s+\w+\s*\(|class\s+\w+\s*[(:]|@[\w.]+|if\s+__name__\s*==)/;
const DOCSTRING = /^[rRuU]?(?:"""|''')/;
/** Share of the head that may fail to parse for text to pass as Python. */
const MAX_HEAD_ERRORS = 0.1;

/**
 * True when content is Python source: a Python file name, a python shebang, or text whose
 * first statement is an import, definition or docstring followed by Python structure, and
 * that parses with few errors. READMEs, licences and vocabularies do not start that way.
 */
export function looksLikePython(head: Buffer, name: string): boolean {
  if (PYTHON_NAME.test(name)) return true;
  if (head.length === 0 || head.includes(0)) return false;
  let text = head.toString('utf8');
  if (SHEBANG.test(text)) return true;
  // The head may end mid-line: judge whole lines only.
  const cut = text.lastIndexOf('\n');
  if (cut > 0) text = text.slice(0, cut + 1);
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '' && !l.startsWith('#'));
  const first = lines[0];
  if (first === undefined || !(STRUCTURE.test(first) || DOCSTRING.test(first))) return false;
  if (!lines.some((l) => STRUCTURE.test(l))) return false;
  if (!isPythonReady()) return true;
  const syntax = parsePython(text, { locate: () => ({ offset: 0, where: '' }) }).syntax;
  return syntax.errorChars <= syntax.totalChars * MAX_HEAD_ERRORS && syntax.missing <= 2;
}
