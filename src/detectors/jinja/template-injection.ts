import { type Severity, severityRank } from '../../core/severity.js';
import type { ChatTemplate, Reach } from '../../formats/jinja/model.js';
import type { Rule } from '../types.js';
import { ENGINE_GLOBALS, EXEC_GLOBALS, execStrength, isInternalName } from './names.js';

/** Problems named in one finding's message; the rest are counted. */
const MAX_LISTED = 6;

interface Issue {
  severity: Severity;
  text: string;
  evidence: string;
}

const VIA: Record<Reach['via'], string> = {
  dot: 'reads',
  subscript: 'reads',
  'attr-filter': 'reads through |attr',
  'attribute-argument': 'reads through a filter attribute path',
  'format-field': 'reads through str.format',
  token: 'names',
};

function issuesOf(t: ChatTemplate): { issues: Issue[]; internal: boolean; exec: boolean } {
  const a = t.analysis;
  const issues: Issue[] = [];
  let internal = false;
  let exec = false;
  for (const r of a.reaches) {
    if (isInternalName(r.name)) {
      internal = true;
      issues.push({ severity: 'high', text: `${VIA[r.via]} Python internal ${r.name}`, evidence: r.chain });
      continue;
    }
    const strength = execStrength(r.name);
    if (strength) exec = true;
    if (strength === 'strong') issues.push({ severity: 'medium', text: `${VIA[r.via]} ${r.name}, which runs code or commands`, evidence: r.chain });
    else if (r.onFreeRoot && r.root !== undefined && ENGINE_GLOBALS.has(r.root)) {
      issues.push({
        severity: 'medium',
        text: `reads attribute ${r.name} of the engine global ${r.root}, a first step out of the template`,
        evidence: r.chain,
      });
    }
  }
  for (const f of a.freeNames) {
    if (!EXEC_GLOBALS.has(f.name)) continue;
    exec = true;
    issues.push({ severity: 'medium', text: `uses ${f.name}, a Python builtin or module no chat renderer defines`, evidence: f.chain });
  }
  for (const d of a.dynamicNames) issues.push({ severity: 'medium', text: 'computes an attribute name at render time', evidence: d });
  const reached = new Set(a.reaches.map((r) => r.name));
  for (const s of a.strings) {
    if (!reached.has(s) && isInternalName(s)) issues.push({ severity: 'medium', text: `builds the Python-internal name ${s}`, evidence: `'${s}'` });
  }
  return { issues, internal, exec };
}

/** Chat templates that reach Python internals or code execution (CVE-2024-34359). */
export const templateInjection: Rule<ChatTemplate> = {
  meta: {
    id: 'jinja/template-injection',
    defaultSeverity: 'high',
    title: 'Jinja template reaches Python internals or code execution',
    description:
      'A chat template read from the model walks Python attributes (__class__, __globals__, __subclasses__, __builtins__...), reads attributes of the engine globals (cycler, joiner, namespace, lipsum, self), builds such names at render time, or names modules and functions that run commands. Rendered outside a sandbox, as llama-cpp-python did before 0.2.72 (CVE-2024-34359), loading the model and chatting runs the code.',
    docs: 'docs/rules/jinja-template-injection.md',
    references: ['MITRE ATLAS AML.T0010', 'MITRE ATLAS AML.T0011', 'MITRE ATLAS AML.T0018', 'OWASP LLM03:2025', 'CVE-2024-34359', 'CWE-1336', 'CWE-94'],
  },
  check(template, ctx) {
    const { issues, internal, exec } = issuesOf(template);
    if (issues.length === 0) return;
    issues.sort((x, y) => severityRank(y.severity) - severityRank(x.severity));
    const critical = internal && exec;
    const severity: Severity = critical ? 'critical' : issues[0]!.severity;
    // The most telling evidence: under critical, the longest chain (the one that gets furthest).
    const lead = critical ? issues.reduce((a, b) => (b.evidence.length > a.evidence.length ? b : a)) : issues[0]!;
    const listed = issues.slice(0, MAX_LISTED).map((i) => `${i.text} (${i.evidence})`);
    if (issues.length > MAX_LISTED) listed.push(`${issues.length - MAX_LISTED} more`);
    const summary = critical
      ? 'reaches Python internals and a way to run code'
      : internal
        ? 'reaches Python internals'
        : 'reaches outside what a chat template needs';
    ctx.report({
      severity,
      message: `${template.where} ${summary}: ${listed.join('; ')}`,
      location: template.offset === undefined ? undefined : { offset: template.offset },
      evidence: lead.evidence,
    });
  },
};
