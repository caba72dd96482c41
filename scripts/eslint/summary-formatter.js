// @ts-check
/**
 * ESLint formatter for `npm run lint`: one `file:line:col` line per problem, grouped as
 * architecture (layer rules and the I/O ban), import cycles and other rules, then a summary with
 * the count of each rule. Plain text, so it reads the same in a terminal and in a CI log.
 */
import { relative } from 'node:path';

/** @typedef {{ file: string, line: number, column: number, severity: number, ruleId: string, message: string }} Problem */

const GROUPS = [
  {
    title: 'Architecture: layer rules and the no-I/O rule (STYLE.md, eslint.config.js)',
    has: (/** @type {string} */ rule) => ['import-x/no-restricted-paths', '@typescript-eslint/no-restricted-imports', 'no-restricted-syntax'].includes(rule),
  },
  { title: 'Import cycles in src/', has: (/** @type {string} */ rule) => rule === 'modelgate/no-import-cycle' },
  { title: 'Other rules', has: () => true },
];

/** @param {Problem} p */
const line = (p) => `${p.file}:${p.line}:${p.column}  ${p.severity === 2 ? 'error' : 'warning'}  ${p.message}  (${p.ruleId})`;

/** @param {number} n @param {string} word */
const count = (n, word) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** @type {import('eslint').ESLint.Formatter['format']} */
export default function format(results, context) {
  const cwd = context?.cwd ?? process.cwd();
  /** @type {Problem[]} */
  const problems = [];
  for (const result of results) {
    for (const m of result.messages) {
      problems.push({
        file: relative(cwd, result.filePath),
        line: m.line ?? 0,
        column: m.column ?? 0,
        severity: m.severity,
        ruleId: m.ruleId ?? (m.fatal ? 'parse-error' : 'eslint'),
        message: m.message.replace(/\s+/g, ' ').trim(),
      });
    }
  }
  const out = [];
  const summary = [];
  let rest = problems;
  for (const group of GROUPS) {
    const mine = rest.filter((p) => group.has(p.ruleId));
    rest = rest.filter((p) => !group.has(p.ruleId));
    if (mine.length === 0) {
      summary.push(`  ${group.title}: none`);
      continue;
    }
    out.push(`── ${group.title} (${mine.length})`, ...mine.map(line), '');
    /** @type {Map<string, number>} */
    const byRule = new Map();
    for (const p of mine) byRule.set(p.ruleId, (byRule.get(p.ruleId) ?? 0) + 1);
    const files = new Set(mine.map((p) => p.file)).size;
    summary.push(`  ${group.title}: ${count(mine.length, 'problem')} in ${count(files, 'file')}`);
    for (const [rule, n] of [...byRule].sort((a, b) => b[1] - a[1])) summary.push(`      ${String(n).padStart(4)}  ${rule}`);
  }
  const errors = problems.filter((p) => p.severity === 2).length;
  const warnings = problems.length - errors;
  const files = new Set(problems.map((p) => p.file)).size;
  const verdict =
    problems.length === 0
      ? `lint: ${count(results.length, 'file')} checked, no problems`
      : `lint: ${count(errors, 'error')}, ${count(warnings, 'warning')} in ${count(files, 'file')} (${count(results.length, 'file')} checked)`;
  return [...out, 'Summary', ...summary, verdict, ''].join('\n');
}
