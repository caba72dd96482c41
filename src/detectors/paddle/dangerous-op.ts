import { maxSeverity } from '../../core/severity.js';
import type { PaddleOp, PaddleProgram } from '../../formats/paddle/model.js';
import type { Rule } from '../types.js';
import { RISKY_PADDLE_OPS } from './ops.js';

/** Findings per op type; past this one line counts the rest. */
const MAX_FINDINGS_PER_OP = 20;

const escapes = (path: string): boolean =>
  path.startsWith('/') || /^[a-zA-Z]:[\\/]/.test(path) || path.split(/[\\/]/).includes('..') || /^[a-z]+:\/\//i.test(path);

/** Ops of a Paddle program that run Python, touch files or the network. */
export const dangerousOp: Rule<PaddleProgram> = {
  meta: {
    id: 'paddle/dangerous-op',
    defaultSeverity: 'high',
    title: 'Paddle program uses an op that runs Python, touches files or the network',
    description:
      'A PaddlePaddle program (`.pdmodel`) is a list of ops the executor runs. `py_func` calls a Python function of the loading process; `save`/`save_combine` write files, `load`/`load_combine`/`open_files` read them, and parameter-server ops (`send`, `recv`, `listen_and_serv`…) talk to the network. An inference program needs none of them.',
    docs: 'docs/rules/paddle-dangerous-op.md',
    references: ['MITRE ATLAS AML.T0010', 'MITRE ATLAS AML.T0011', 'OWASP LLM03:2025', 'CWE-94', 'CWE-73'],
  },
  check(model, ctx) {
    const byType = new Map<string, PaddleOp[]>();
    for (const op of model.ops) {
      if (!RISKY_PADDLE_OPS.has(op.type)) continue;
      const list = byType.get(op.type) ?? [];
      list.push(op);
      byType.set(op.type, list);
    }
    for (const [type, ops] of byType) {
      const risky = RISKY_PADDLE_OPS.get(type)!;
      for (const op of ops.slice(0, MAX_FINDINGS_PER_OP)) {
        const paths = op.strings.filter((s) => risky.pathAttrs?.includes(s.name)).map((s) => s.value);
        const outside = paths.find(escapes);
        const severity = outside !== undefined && risky.outside ? maxSeverity(risky.severity, risky.outside) : risky.severity;
        const shown = outside ?? paths[0];
        ctx.report({
          severity,
          message: `op "${type}" in block ${op.block}: ${risky.why}${shown !== undefined ? `; ${JSON.stringify(shown.slice(0, 200))}` : ''}`,
          location: { offset: op.offset },
          evidence: shown !== undefined ? `${type}(${shown.slice(0, 200)})` : type,
        });
      }
      if (ops.length > MAX_FINDINGS_PER_OP) {
        ctx.report({
          severity: risky.severity,
          message: `op "${type}": ${ops.length - MAX_FINDINGS_PER_OP} more not listed`,
          location: { offset: ops[MAX_FINDINGS_PER_OP]!.offset },
          evidence: type,
        });
      }
    }
  },
};
