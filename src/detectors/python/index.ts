import type { PythonModule } from '../../formats/python/model.js';
import type { RuleMeta } from '../rule.js';
import type { Rule } from '../types.js';
import { builtinsLookup } from './builtins-lookup.js';
import { credentialExfiltration } from './credential-exfiltration.js';
import { downloadToShell } from './download-to-shell.js';
import { dynamicExec } from './dynamic-exec.js';
import { EMBEDDED_MODEL } from './embedded-model.js';
import { nativeCode } from './native-code.js';
import { persistence } from './persistence.js';
import { reverseShell } from './reverse-shell.js';
import { STARTUP_FILE } from './startup-file.js';

/** Every python rule that checks a parsed module, sorted by id (notebooks use them too). */
export const PYTHON_RULES: ReadonlyArray<Rule<PythonModule>> = [
  builtinsLookup,
  credentialExfiltration,
  downloadToShell,
  dynamicExec,
  nativeCode,
  persistence,
  reverseShell,
];

/** Metadata of every python rule, including those the handlers report directly, sorted by id. */
export const PYTHON_RULE_METAS: readonly RuleMeta[] = [...PYTHON_RULES.map((r) => r.meta), EMBEDDED_MODEL, STARTUP_FILE].sort((a, b) =>
  a.id.localeCompare(b.id),
);
