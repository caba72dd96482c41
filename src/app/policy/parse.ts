import { LineCounter, parseDocument } from 'yaml';
import { ModelgateError } from '../../core/errors.js';
import { describeIssues, type PolicyIssue } from './issues.js';
import { type Policy, PolicySchema } from './schema.js';
import { policyWarnings } from './warnings.js';

/** A policy file is a few kilobytes; anything past this is not one (and is not parsed). */
export const MAX_POLICY_BYTES = 1024 * 1024;

/** A policy file that does not parse or does not fit the schema: code `POLICY_INVALID`. */
export class PolicyError extends ModelgateError {
  /** Every problem found, in file order. */
  readonly issues: readonly PolicyIssue[];

  constructor(source: string, issues: readonly PolicyIssue[], options?: { cause?: unknown }) {
    const lines = issues.map((i) => `  ${source}${i.line === undefined ? '' : `:${i.line}:${i.column}`}: ${i.path ? `${i.path}: ` : ''}${i.message}`);
    super('POLICY_INVALID', `invalid policy ${source}:\n${lines.join('\n')}`, options);
    this.name = 'PolicyError';
    this.issues = issues;
  }
}

/** A parsed policy and what a person should know about it. */
export interface ParsedPolicy {
  policy: Policy;
  /** Not errors, but worth saying: an override expiring far ahead, a format name never reported. */
  warnings: string[];
}

/**
 * Parses and validates the text of a policy file (YAML 1.2). `source` names it in messages.
 * Throws PolicyError (`POLICY_INVALID`) for YAML syntax errors, duplicate keys, several
 * documents, and anything that does not fit the schema, each with its key path and line.
 * `today` dates the warnings about override expiry.
 */
export function parsePolicy(text: string, source: string, today: Date = new Date()): ParsedPolicy {
  const lines = new LineCounter();
  // Duplicate keys are errors (uniqueKeys): with them, which value wins is up to the reader.
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true, version: '1.2', prettyErrors: false });
  if (doc.errors.length > 0) {
    const issues = doc.errors.map((e) => {
      const pos = lines.linePos(e.pos[0]);
      return { path: '', message: e.message.split('\n')[0]!, line: pos.line, column: pos.col };
    });
    throw new PolicyError(source, issues);
  }
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 100 });
  } catch (cause) {
    throw new PolicyError(source, [{ path: '', message: cause instanceof Error ? cause.message : String(cause) }], { cause });
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw new PolicyError(source, [{ path: '', message: 'a policy is a YAML mapping that starts with "version: 1"', line: 1, column: 1 }]);
  }
  const parsed = PolicySchema.safeParse(data);
  if (!parsed.success) throw new PolicyError(source, describeIssues(parsed.error.issues, data, doc, lines, PolicySchema));
  return { policy: parsed.data, warnings: policyWarnings(parsed.data, today) };
}
