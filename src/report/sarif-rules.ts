import type { ReportingConfiguration, ReportingDescriptor } from 'sarif';
import type { Finding } from '../core/finding.js';
import { maxSeverity, type Severity } from '../core/severity.js';
import type { RulePrecision, RuleMeta } from '../detectors/rule.js';

/** Where modelgate is described; SARIF wants an absolute URI for `informationUri`. */
export const MODELGATE_INFORMATION_URI = 'https://github.com/modelgate/modelgate';

/** Base that the relative `RuleMeta.docs` links (`docs/rules/<id>.md`) are resolved against. */
export const RULE_DOCS_BASE_URI = `${MODELGATE_INFORMATION_URI}/blob/main/`;

/** SARIF has three levels (SARIF 2.1.0 §3.27.10); the five severities fold onto them. */
const LEVEL_OF_SEVERITY: Record<Severity, ReportingConfiguration.level> = {
  critical: 'error',
  high: 'error',
  medium: 'warning',
  low: 'note',
  info: 'note',
};

/*
 * GitHub code scanning bands `security-severity` (a score from 0.1 to 10.0) as critical
 * (over 9.0), high (7.0 to 8.9), medium (4.0 to 6.9) and low (0.1 to 3.9). `info` has no band,
 * so it gets no score.
 */
const SECURITY_SEVERITY: Record<Severity, string | undefined> = {
  critical: '9.5',
  high: '8.0',
  medium: '5.5',
  low: '2.0',
  info: undefined,
};

/*
 * How often a rule's findings are right (GitHub's `precision`: very-high, high, medium, low).
 * A rule may say so in its meta; otherwise it follows the default severity, because the rules
 * grade a finding down when its reading is weaker: a critical or high rule names a concrete way
 * to run code, a medium one an unknown that may be benign, low and info ones advice.
 */
const PRECISION_OF_SEVERITY: Record<Severity, RulePrecision> = {
  critical: 'high',
  high: 'high',
  medium: 'medium',
  low: 'low',
  info: 'low',
};

/** A rule's `precision`: its meta's own, else the one of its default severity. */
export function rulePrecision(meta: RuleMeta): RulePrecision {
  return meta.precision ?? PRECISION_OF_SEVERITY[meta.defaultSeverity];
}

/** The SARIF level of a severity: critical and high are errors, medium a warning, others notes. */
export function sarifLevel(severity: Severity): ReportingConfiguration.level {
  return LEVEL_OF_SEVERITY[severity];
}

/** `pickle/dangerous-callable` -> `PickleDangerousCallable`: SARIF's readable rule name. */
function ruleName(ruleId: string): string {
  return ruleId
    .split(/[^A-Za-z0-9]+/)
    .filter((word) => word.length > 0)
    .map((word) => word[0]!.toUpperCase() + word.slice(1))
    .join('');
}

/** The format part of a rule id (`pickle` of `pickle/dangerous-callable`), used as a tag. */
function ruleFormat(ruleId: string): string | undefined {
  const slash = ruleId.indexOf('/');
  return slash > 0 ? ruleId.slice(0, slash) : undefined;
}

function tagsOf(ruleId: string): string[] {
  const format = ruleFormat(ruleId);
  return format === undefined ? ['security'] : ['security', format];
}

/**
 * A web page for a reference id: MITRE ATLAS techniques, OWASP Top 10 for LLM applications
 * (2025) entries and CWE weaknesses; undefined for anything else.
 */
export function referenceUrl(reference: string): string | undefined {
  const atlas = /^MITRE ATLAS (AML\.T\d{4})(?:\.(\d{3}))?$/.exec(reference);
  if (atlas) return `https://atlas.mitre.org/techniques/${atlas[1]}${atlas[2] ? '.' + atlas[2] : ''}`;
  const cwe = /^CWE-(\d+)$/.exec(reference);
  if (cwe) return `https://cwe.mitre.org/data/definitions/${cwe[1]}.html`;
  const owasp = /^OWASP (LLM\d{2}):2025$/.exec(reference);
  if (owasp) return `https://genai.owasp.org/llmrisk/${owasp[1]!.toLowerCase()}2025/`;
  return undefined;
}

/**
 * `worst` is the highest severity among the rule's results in this log: GitHub reads
 * `security-severity` from the rule only, so a rule whose finding was graded above its default
 * is scored by that finding, never shown lower than it is.
 */
function describeRule(meta: RuleMeta, worst: Severity | undefined): ReportingDescriptor {
  const helpUri = new URL(meta.docs, RULE_DOCS_BASE_URI).href;
  const references = meta.references.length > 0 ? `\n\nReferences: ${meta.references.join(', ')}` : '';
  const linked = meta.references.map((r) => {
    const url = referenceUrl(r);
    return url ? `[${r}](${url})` : r;
  });
  const referencesMarkdown = linked.length > 0 ? `\n\nReferences: ${linked.join(', ')}` : '';
  const securitySeverity = SECURITY_SEVERITY[worst === undefined ? meta.defaultSeverity : maxSeverity(meta.defaultSeverity, worst)];
  return {
    id: meta.id,
    name: ruleName(meta.id),
    shortDescription: { text: meta.title },
    fullDescription: { text: meta.description },
    helpUri,
    help: {
      text: `${meta.description}${references}\n\nDocumentation: ${helpUri}`,
      markdown: `${meta.description}${referencesMarkdown}\n\n[Documentation](${helpUri})`,
    },
    defaultConfiguration: { level: sarifLevel(meta.defaultSeverity) },
    properties: {
      // Compliance references ride along as tags, so code-scanning filters can select by them.
      tags: [...tagsOf(meta.id), ...meta.references],
      ...(securitySeverity === undefined ? {} : { 'security-severity': securitySeverity }),
      precision: rulePrecision(meta),
      severity: meta.defaultSeverity,
      references: [...meta.references],
    },
  };
}

/**
 * A descriptor for a finding whose rule has no metadata (engine findings, for example), scored
 * by its worst result in this log.
 */
function describeUnknownRule(ruleId: string, worst: Severity): ReportingDescriptor {
  const securitySeverity = SECURITY_SEVERITY[worst];
  return {
    id: ruleId,
    name: ruleName(ruleId),
    defaultConfiguration: { level: sarifLevel(worst) },
    properties: {
      tags: tagsOf(ruleId),
      ...(securitySeverity === undefined ? {} : { 'security-severity': securitySeverity }),
      precision: PRECISION_OF_SEVERITY[worst],
    },
  };
}

/** The `tool.driver.rules` of a run, and where each rule id sits in it. */
export interface RuleTable {
  descriptors: ReportingDescriptor[];
  indexOf(ruleId: string): number;
}

/**
 * Every rule of `rules` (first one wins on a repeated id), then a bare descriptor for each
 * rule id of `findings` that has no metadata, so that every result has a `ruleIndex`.
 */
export function buildRuleTable(rules: readonly RuleMeta[], findings: Iterable<Finding>): RuleTable {
  const worst = new Map<string, Severity>();
  for (const finding of findings) worst.set(finding.ruleId, maxSeverity(finding.severity, worst.get(finding.ruleId) ?? finding.severity));
  const descriptors: ReportingDescriptor[] = [];
  const index = new Map<string, number>();
  const add = (id: string, describe: () => ReportingDescriptor): void => {
    if (index.has(id)) return;
    index.set(id, descriptors.length);
    descriptors.push(describe());
  };
  for (const meta of rules) add(meta.id, () => describeRule(meta, worst.get(meta.id)));
  for (const [ruleId, severity] of worst) add(ruleId, () => describeUnknownRule(ruleId, severity));
  return {
    descriptors,
    indexOf: (ruleId) => index.get(ruleId) ?? -1,
  };
}
