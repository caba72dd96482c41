import type { RuleMeta } from '../rule.js';

/**
 * Interpreter start-up code: a `.pth` file with lines that start with `import` (Lib/site.py's
 * addpackage runs each of them with exec() at every interpreter start once the file is in a
 * site-packages folder), or a `sitecustomize.py` / `usercustomize.py` module (site.py imports
 * them at start-up when they are on sys.path). The handler reports it; the code itself goes
 * through the python rules, which grade what it does.
 */
export const STARTUP_FILE: RuleMeta = {
  id: 'python/startup-file',
  defaultSeverity: 'medium',
  title: 'Python start-up code (.pth import lines, sitecustomize)',
  description:
    "The file is code that Python runs by itself at every interpreter start once the file is installed: a `.pth` file's lines that begin with `import` are run with exec() by site.py, and `sitecustomize` / `usercustomize` modules are imported by site.py. No model loader needs such a file; copied into a site-packages folder (or onto sys.path) it persists and runs in every later Python process. What the code does is judged by the other python rules.",
  docs: 'docs/rules/python-startup-file.md',
  references: ['MITRE ATLAS AML.T0011', 'OWASP LLM03:2025', 'MITRE ATT&CK T1546.018', 'CWE-506'],
};
