import type { PythonModule } from '../../formats/python/model.js';
import type { Rule } from '../types.js';
import { shellUses } from './commands.js';
import { place, shorten } from './report.js';
import { downloadToShell as judgeCommand } from './shell-text.js';

/** Shell commands that download code and run it: `curl … | sh`, `bash <(wget …)`. */
export const downloadToShell: Rule<PythonModule> = {
  meta: {
    id: 'python/download-to-shell',
    defaultSeverity: 'critical',
    title: 'Shell command runs downloaded code',
    description:
      'A shell command run by os.system, subprocess, pty, os.exec*, or a notebook `!` line or `%%bash` cell downloads something and runs it: piped into sh/bash/python, substituted into `sh -c "$(curl …)"` or `bash <(…)`, or saved and then executed. Whatever the server sends runs on the machine that loads the model or opens the notebook.',
    docs: 'docs/rules/python-download-to-shell.md',
    references: ['MITRE ATLAS AML.T0010', 'MITRE ATLAS AML.T0011', 'OWASP LLM03:2025', 'CWE-78', 'CWE-494', 'CWE-506'],
  },
  check(model, ctx) {
    for (const use of shellUses(model)) {
      const why = judgeCommand(use.text);
      if (!why) continue;
      const { location, where } = place(model, use);
      ctx.report({ message: `${use.via} at ${where} ${why}: ${shorten(use.text, 120)}`, location, evidence: shorten(use.text) });
    }
  },
};
