import type { ScanResult } from '../core/report-types.js';
import type { RuleMeta } from '../detectors/rule.js';
import { html, trusted } from './html/escape.js';
import { renderFiles } from './html/files.js';
import { indexRules } from './html/findings.js';
import { renderDecision, renderHeader, renderSource, renderSummary, renderTargetFindings } from './html/summary.js';
import { REPORT_CSP, REPORT_CSS } from './html/style.js';

export { escapeHtml } from './html/escape.js';
export { REPORT_CSP } from './html/style.js';

/**
 * The scan report as one self-contained HTML page for people: the policy decision when there
 * is one, the summary, the Hugging Face source, findings about whole targets, then each file
 * (flagged files open and first, clean files in one collapsed list) with its findings and
 * evidence. `rules` gives each finding's rule title and documentation link.
 *
 * The page loads nothing and runs nothing: the style sheet is inline, there is no script, and
 * a Content-Security-Policy forbids every load. Every string of the report is escaped, since
 * it comes from the scanned files. Pure: the same arguments always give the same page.
 */
export function renderHtml(result: ScanResult, rules: readonly RuleMeta[]): string {
  const index = indexRules(rules);
  const title = `modelgate report: ${result.targets.join(', ')}`;
  const page = html`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${REPORT_CSP}">
<meta name="referrer" content="no-referrer">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="${result.tool.name} ${result.tool.version}">
<title>${title}</title>
<style>${trusted(REPORT_CSS)}</style>
</head>
<body>
<main>
${renderHeader(result)}${result.decision && renderDecision(result.decision, result)}${renderSummary(result)}${result.source && renderSource(result.source)}${result.findings.length > 0 && renderTargetFindings(result, index)}${renderFiles(result, index)}<footer>Made by ${result.tool.name} ${result.tool.version}, which reads model files without running them. This page loads nothing and runs no script.</footer>
</main>
</body>
</html>
`;
  return page.markup;
}
